namespace Segmenter.Streaming;

/// <summary>
/// Where delivery of one input partition stands, as the silo that reads it reports it. Every field is a fact about
/// the past that stays true (delivery only moves forward), so a report may be used late, or after its reader died:
/// it can make a decision late, never wrong.
/// </summary>
/// <param name="Source">The topic or hub the partition belongs to.</param>
/// <param name="Partition">The partition number.</param>
/// <param name="DeliveredUpTo">
/// Every record at a position below this was delivered and its consumers returned (or it was dead-lettered): the
/// delivered watermark, in the transport's positions (Kafka offsets, Event Hubs sequence numbers).
/// </param>
/// <param name="StreamTime">The highest event time among the delivered records (never among records merely read), or null.</param>
/// <param name="CaughtUpAt">
/// The latest moment at which everything the broker held for the partition had been delivered, or null while that
/// was never seen. Records appended after it reached the broker after it.
/// </param>
/// <param name="CommittedUpTo">The durable read position: the first position a new owner reads; -1 when unknown.</param>
/// <param name="ObservedAt">When the reader put this together.</param>
[GenerateSerializer, Immutable]
public sealed record PartitionProgress(
    [property: Id(0)] string Source,
    [property: Id(1)] int Partition,
    [property: Id(2)] long DeliveredUpTo,
    [property: Id(3)] DateTimeOffset? StreamTime,
    [property: Id(4)] DateTimeOffset? CaughtUpAt,
    [property: Id(5)] long CommittedUpTo,
    [property: Id(6)] DateTimeOffset ObservedAt);
