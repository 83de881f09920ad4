using System.Collections.Immutable;
using Segmenter.Contracts;
using Segmenter.Grains.Persistence;
using Segmenter.Grains.Segmentation;

namespace Segmenter.Grains;

/// <summary>
/// The one translation of a device's engine state (<see cref="DeviceState"/>, <see cref="OpenSession"/>,
/// <see cref="MetricAccumulator"/>): to the state stored in Redis and back, and to the read-only snapshots a query gets.
/// The engine's own copies are the records' compiler-written ones, so a member added to the state is written here and
/// nowhere else; <c>StateShapeTests</c> fails while one side or one direction lacks it.
/// </summary>
public static class DeviceStateMapping
{
    /// <summary>
    /// What is stored: <paramref name="state"/> with the grain's pending timeout summary, and beside it the device's
    /// entry in its partition's deadline index.
    /// </summary>
    public static PersistedDeviceState ToStored(DeviceState state, DeviceDeadlines deadlines, SessionSummary? pendingSummary = null) => new()
    {
        Open = state.Open is { } open ? ToStored(open) : null,
        LastSeq = state.LastSeq,
        LastPosition = state.LastPosition,
        LastArrival = state.LastArrival,
        DuplicatesDropped = state.DuplicatesDropped,
        RedeliveriesDropped = state.RedeliveriesDropped,
        PendingSummary = pendingSummary,
        IndexEntry = state.LastPosition is { } last ? new DeadlineIndexEntry(last.Partition, last.Offset, deadlines) : null,
    };

    /// <summary>The engine state of the device <paramref name="deviceId"/> (the grain's key; not stored in the value).</summary>
    public static DeviceState ToEngine(PersistedDeviceState stored, string deviceId) => new()
    {
        DeviceId = deviceId,
        Open = stored.Open is { } open ? ToEngine(open) : null,
        LastSeq = stored.LastSeq,
        LastPosition = stored.LastPosition,
        LastArrival = stored.LastArrival,
        DuplicatesDropped = stored.DuplicatesDropped,
        RedeliveriesDropped = stored.RedeliveriesDropped,
    };

    public static PersistedSession ToStored(OpenSession open) => new()
    {
        SessionId = open.SessionId,
        Started = open.Started,
        LastEventTime = open.LastEventTime,
        LastArrival = open.LastArrival,
        EventCount = open.EventCount,
        StartedWithoutWakeUp = open.StartedWithoutWakeUp,
        DuplicatesDropped = open.DuplicatesDropped,
        OutOfOrder = open.OutOfOrder,
        Metrics = open.Metrics.ToDictionary(m => m.Key, m => ToStored(m.Value), StringComparer.Ordinal),
    };

    public static OpenSession ToEngine(PersistedSession stored) => new()
    {
        SessionId = stored.SessionId,
        Started = stored.Started,
        LastEventTime = stored.LastEventTime,
        LastArrival = stored.LastArrival,
        EventCount = stored.EventCount,
        StartedWithoutWakeUp = stored.StartedWithoutWakeUp,
        DuplicatesDropped = stored.DuplicatesDropped,
        OutOfOrder = stored.OutOfOrder,
        Metrics = stored.Metrics.ToDictionary(m => m.Key, m => ToEngine(m.Value), StringComparer.Ordinal),
    };

    public static PersistedMetric ToStored(MetricAccumulator metric) => new(metric.Count, metric.Min, metric.Max, metric.Sum, metric.Last);

    public static MetricAccumulator ToEngine(PersistedMetric stored) => new()
    {
        Count = stored.Count,
        Min = stored.Min,
        Max = stored.Max,
        Sum = stored.Sum,
        Last = stored.Last,
    };

    /// <summary>
    /// The device as a query sees it; null for a device with nothing remembered. Without <see cref="DeviceState.LastArrival"/>:
    /// snapshots compare a device's state across runs, and arrival is processing time.
    /// </summary>
    public static DeviceSnapshot? ToSnapshot(DeviceState state, bool summaryPending) =>
        state.IsEmpty && !summaryPending
            ? null
            : new DeviceSnapshot(state.DeviceId, state.Open is { } open ? ToSnapshot(open, state.DeviceId) : null, state.LastSeq, state.LastPosition,
                state.DuplicatesDropped, state.RedeliveriesDropped, summaryPending);

    /// <summary>The open session of <paramref name="deviceId"/> as a query sees it.</summary>
    public static SessionSnapshot ToSnapshot(OpenSession open, string deviceId) => new(
        deviceId, open.SessionId, open.Started, open.LastEventTime, open.LastArrival, open.EventCount,
        open.StartedWithoutWakeUp, open.DuplicatesDropped, open.OutOfOrder,
        open.Metrics.ToImmutableSortedDictionary(m => m.Key, m => m.Value.ToSummary(), StringComparer.Ordinal));
}
