using Segmenter.Contracts;
using Segmenter.Grains.Segmentation;

namespace Segmenter.Grains.Persistence;

/// <summary>
/// The device state as it is stored in Redis (Orleans binary serialization). A separate type from the engine's
/// <see cref="DeviceState"/> so that the engine stays free of Orleans; the field ids are the storage format, keep them.
/// </summary>
[GenerateSerializer]
public sealed class PersistedDeviceState : IDeadlineIndexed
{
    [Id(0)] public PersistedSession? Open { get; set; }
    [Id(1)] public long? LastSeq { get; set; }
    [Id(2)] public SourcePosition? LastPosition { get; set; }
    [Id(3)] public DateTimeOffset LastArrival { get; set; }
    [Id(4)] public long DuplicatesDropped { get; set; }
    [Id(5)] public long RedeliveriesDropped { get; set; }

    // Id 6 was the per-device reminder flag of earlier versions (reminders are per partition now); never reuse it.

    /// <summary>
    /// A session closed by a timeout whose summary may not be published yet: recorded before it is published and
    /// cleared after, so a failure in between republishes the same summary instead of letting a later event re-open
    /// the session (a timeout depends on processing time, so a retry could decide differently).
    /// </summary>
    [Id(7)] public SessionSummary? PendingSummary { get; set; }

    [NonSerialized]
    private DeadlineIndexEntry? _indexEntry;

    /// <summary>The device's entry in its partition's deadline index (not stored in the state itself).</summary>
    public DeadlineIndexEntry? IndexEntry => _indexEntry;

    public static PersistedDeviceState From(DeviceState state, DeviceDeadlines deadlines, SessionSummary? pendingSummary = null) => new()
    {
        Open = state.Open is { } open ? PersistedSession.From(open) : null,
        LastSeq = state.LastSeq,
        LastPosition = state.LastPosition,
        LastArrival = state.LastArrival,
        DuplicatesDropped = state.DuplicatesDropped,
        RedeliveriesDropped = state.RedeliveriesDropped,
        PendingSummary = pendingSummary,
        _indexEntry = state.LastPosition is { } last ? new DeadlineIndexEntry(last.Partition, last.Offset, deadlines) : null,
    };

    public DeviceState ToEngine(string deviceId) => new()
    {
        DeviceId = deviceId,
        Open = Open?.ToEngine(),
        LastSeq = LastSeq,
        LastPosition = LastPosition,
        LastArrival = LastArrival,
        DuplicatesDropped = DuplicatesDropped,
        RedeliveriesDropped = RedeliveriesDropped,
    };
}

/// <summary>A stored open session.</summary>
[GenerateSerializer]
public sealed class PersistedSession
{
    [Id(0)] public string SessionId { get; set; } = "";
    [Id(1)] public DateTimeOffset Started { get; set; }
    [Id(2)] public DateTimeOffset LastEventTime { get; set; }
    [Id(3)] public DateTimeOffset LastArrival { get; set; }
    [Id(4)] public long EventCount { get; set; }
    [Id(5)] public bool StartedWithoutWakeUp { get; set; }
    [Id(6)] public long DuplicatesDropped { get; set; }
    [Id(7)] public long OutOfOrder { get; set; }
    [Id(8)] public Dictionary<string, PersistedMetric> Metrics { get; set; } = new(StringComparer.Ordinal);

    public static PersistedSession From(OpenSession open) => new()
    {
        SessionId = open.SessionId,
        Started = open.Started,
        LastEventTime = open.LastEventTime,
        LastArrival = open.LastArrival,
        EventCount = open.EventCount,
        StartedWithoutWakeUp = open.StartedWithoutWakeUp,
        DuplicatesDropped = open.DuplicatesDropped,
        OutOfOrder = open.OutOfOrder,
        Metrics = open.Metrics.ToDictionary(m => m.Key, m => new PersistedMetric(m.Value.Count, m.Value.Min, m.Value.Max, m.Value.Sum, m.Value.Last), StringComparer.Ordinal),
    };

    public OpenSession ToEngine() => new()
    {
        SessionId = SessionId,
        Started = Started,
        LastEventTime = LastEventTime,
        LastArrival = LastArrival,
        EventCount = EventCount,
        StartedWithoutWakeUp = StartedWithoutWakeUp,
        DuplicatesDropped = DuplicatesDropped,
        OutOfOrder = OutOfOrder,
        Metrics = Metrics.ToDictionary(m => m.Key, m => new MetricAccumulator { Count = m.Value.Count, Min = m.Value.Min, Max = m.Value.Max, Sum = m.Value.Sum, Last = m.Value.Last }, StringComparer.Ordinal),
    };
}

/// <summary>A stored metric accumulator.</summary>
[GenerateSerializer, Immutable]
public sealed record PersistedMetric(
    [property: Id(0)] long Count,
    [property: Id(1)] double Min,
    [property: Id(2)] double Max,
    [property: Id(3)] double Sum,
    [property: Id(4)] double Last);
