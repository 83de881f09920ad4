namespace Segmenter.Partitions;

/// <summary>
/// What the reader of a device's input partition has confirmed, as the partition's deadline scheduler hands it to
/// the device: rule 4 (SEGMENTATION.md) may close a session only on these facts. Each stays true once reported, so a
/// clock that arrives late can delay a timeout, never cause a wrong one.
/// </summary>
/// <param name="StreamTime">The highest event time among the partition's delivered records, or null when none is known.</param>
/// <param name="CaughtUpAt">
/// The latest moment at which the reader had delivered everything the broker held, or null when never confirmed: a
/// processing-time deadline counts only if it is not after this.
/// </param>
/// <param name="CommittedUpTo">The partition's committed position (records below it are never replayed); -1 when unknown.</param>
[GenerateSerializer, Immutable]
public readonly record struct PartitionClock(
    [property: Id(0)] DateTimeOffset? StreamTime,
    [property: Id(1)] DateTimeOffset? CaughtUpAt,
    [property: Id(2)] long CommittedUpTo = -1)
{
    /// <summary>A partition that has confirmed nothing (its reader has not reported yet).</summary>
    public static PartitionClock Unknown => new(null, null);
}
