using Orleans.Concurrency;
using Segmenter.Streaming;

namespace Segmenter.Partitions;

/// <summary>
/// The deadline scheduler of one input partition (key: <c>topic/partition</c>): it knows, through the partition's
/// deadline index in Redis, when each open session of the partition's devices is due, and wakes a device once the
/// partition's reader has confirmed what rule 4 needs. It runs beside the partition's reader (the reader's silo feeds
/// it the partition's progress and activates it locally) and one reminder per partition brings it back after a crash.
/// </summary>
public interface IPartitionSchedulerGrain : IGrainWithStringKey
{
    /// <summary>
    /// The partition's latest progress, from <paramref name="reader"/>, the silo that reads it. A scheduler that finds
    /// itself on another silo (the reminder brought it back there) migrates beside the reader after the call.
    /// </summary>
    Task Report(PartitionProgress progress, SiloAddress reader);

    /// <summary>The partition left the reporting silo: the scheduler moves with it on the next report.</summary>
    Task Release();

    [ReadOnly]
    Task<PartitionSchedulerStatus> GetStatus();
}

/// <summary>What one partition's scheduler knows and has done (for operators, drills and tests).</summary>
[GenerateSerializer, Immutable]
public sealed record PartitionSchedulerStatus(
    [property: Id(0)] PartitionClock Clock,
    [property: Id(1)] DateTimeOffset? LastReportAt,
    [property: Id(2)] long Woken,
    [property: Id(3)] long Closed,
    [property: Id(4)] long Purged,
    [property: Id(5)] int InFlight,
    [property: Id(6)] string Silo);
