using Segmenter.Contracts;
using Segmenter.Grains.Segmentation;

namespace Segmenter.Grains.Persistence;

/// <summary>
/// The device state as it is stored in Redis (Orleans binary serialization). A separate type from the engine's
/// <see cref="DeviceState"/> so that the engine stays free of Orleans; the field ids are the storage format, keep them
/// (<c>StoredStateFormatTests</c> holds bytes earlier versions wrote). <see cref="DeviceStateMapping"/> is the one
/// translation between the two.
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

    /// <summary>The device's entry in its partition's deadline index, written beside the state (not in it: no field id).</summary>
    [field: NonSerialized]
    public DeadlineIndexEntry? IndexEntry { get; init; }
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
}

/// <summary>A stored metric accumulator.</summary>
[GenerateSerializer, Immutable]
public sealed record PersistedMetric(
    [property: Id(0)] long Count,
    [property: Id(1)] double Min,
    [property: Id(2)] double Max,
    [property: Id(3)] double Sum,
    [property: Id(4)] double Last);
