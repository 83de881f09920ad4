using Orleans.Concurrency;
namespace Segmenter.Partitions;

/// <summary>
/// Where the reader of one input partition stands (key: <c>topic/partition</c>): reported every second by the silo
/// that reads it, consulted by device grains before a timeout (rule 4 judges by stream time while a partition lags).
/// In memory only: after a restart it knows nothing until the next report.
/// </summary>
public interface IPartitionClockGrain : IGrainWithStringKey
{
    Task Report(PartitionClock clock);

    [ReadOnly]
    Task<PartitionClock?> Current();
}

/// <summary>A partition's read progress at <paramref name="ObservedAt"/>.</summary>
/// <param name="Lag">Records written but not yet delivered: unread, or read and waiting for their grains.</param>
/// <param name="StreamTime">Highest event time read so far, or null.</param>
/// <param name="ObservedAt">When the reader measured it.</param>
[GenerateSerializer, Immutable]
public sealed record PartitionClock(
    [property: Id(0)] long Lag,
    [property: Id(1)] DateTimeOffset? StreamTime,
    [property: Id(2)] DateTimeOffset ObservedAt);
