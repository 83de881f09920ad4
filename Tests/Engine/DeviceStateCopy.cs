using Segmenter.Grains.Segmentation;

namespace Segmenter.Tests.Engine;

/// <summary>A deep copy of a device state: what a state store would give back after a write and a read.</summary>
internal static class DeviceStateCopy
{
    public static DeviceState Of(DeviceState state) => new()
    {
        DeviceId = state.DeviceId,
        LastSeq = state.LastSeq,
        LastPosition = state.LastPosition,
        LastArrival = state.LastArrival,
        DuplicatesDropped = state.DuplicatesDropped,
        RedeliveriesDropped = state.RedeliveriesDropped,
        Open = state.Open is not { } open ? null : new OpenSession
        {
            SessionId = open.SessionId,
            Started = open.Started,
            LastEventTime = open.LastEventTime,
            LastArrival = open.LastArrival,
            EventCount = open.EventCount,
            StartedWithoutWakeUp = open.StartedWithoutWakeUp,
            DuplicatesDropped = open.DuplicatesDropped,
            OutOfOrder = open.OutOfOrder,
            Metrics = open.Metrics.ToDictionary(m => m.Key, m => new MetricAccumulator
            {
                Count = m.Value.Count, Min = m.Value.Min, Max = m.Value.Max, Sum = m.Value.Sum, Last = m.Value.Last,
            }, StringComparer.Ordinal),
        },
    };
}
