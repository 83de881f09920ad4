namespace Segmenter.Streaming.Kafka.Metrics;

/// <summary>Where the reader of one partition stands.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Position">The next offset to read.</param>
/// <param name="HighWatermark">The partition's end as last seen from the broker.</param>
/// <param name="CommittedOffset">The last committed offset (the next one to read after a restart).</param>
/// <param name="PendingEvents">Events read but not yet delivered to (and acknowledged by) all their consumers.</param>
/// <param name="StreamTime">Highest record timestamp read so far (Kafka Streams' "stream time"), or null.</param>
/// <param name="ObservedAt">When this was reported.</param>
public sealed record PartitionProgress(
    string Topic,
    int Partition,
    long Position,
    long HighWatermark,
    long CommittedOffset,
    int PendingEvents,
    DateTimeOffset? StreamTime,
    DateTimeOffset ObservedAt)
{
    /// <summary>Records written but not yet read.</summary>
    public long Lag => Math.Max(0, HighWatermark - Position);
}
