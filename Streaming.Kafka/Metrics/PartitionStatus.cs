namespace Segmenter.Streaming.Kafka.Metrics;

/// <summary>Where the reader of one partition stands, as its receiver last reported it.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Position">The next offset to read.</param>
/// <param name="HighWatermark">The partition's end (the next offset to be written) as last seen from the broker.</param>
/// <param name="CommittedOffset">The committed position (the first offset a new owner reads); -1 when none.</param>
/// <param name="DeliveredUpTo">Every offset below this was delivered to its consumers (or dead-lettered).</param>
/// <param name="PendingEvents">Events read but not yet delivered to (and acknowledged by) all their consumers.</param>
/// <param name="OldestPendingSince">When the oldest record read but not yet delivered was read; null when none waits.</param>
/// <param name="StreamTime">The highest event time among delivered records (Kafka Streams' "stream time"), or null.</param>
/// <param name="CaughtUpAt">The latest moment at which everything the broker held had been delivered, or null.</param>
/// <param name="ObservedAt">When this was reported.</param>
public sealed record PartitionStatus(
    string Topic,
    int Partition,
    long Position,
    long HighWatermark,
    long CommittedOffset,
    long DeliveredUpTo,
    int PendingEvents,
    DateTimeOffset? OldestPendingSince,
    DateTimeOffset? StreamTime,
    DateTimeOffset? CaughtUpAt,
    DateTimeOffset ObservedAt)
{
    /// <summary>Consumer-group lag as Kafka tools show it: the log end minus the committed offset.</summary>
    public long Lag => Math.Max(0, HighWatermark - Math.Max(CommittedOffset, 0));

    /// <summary>Records written but not yet read.</summary>
    public long Unread => Math.Max(0, HighWatermark - Position);

    /// <summary>How long the oldest record read but not yet delivered has waited, at <paramref name="now"/>.</summary>
    public TimeSpan PendingAge(DateTimeOffset now) => OldestPendingSince is { } since && now > since ? now - since : TimeSpan.Zero;
}
