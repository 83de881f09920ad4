namespace Segmenter.Streaming.Kafka.Metrics;

/// <summary>Running totals of one provider in this process, and the partitions it reads that are stalled now.</summary>
/// <param name="RecordsConsumed">Records read from input partitions.</param>
/// <param name="RecordsProduced">Records produced to output topics and acknowledged by Kafka.</param>
/// <param name="RecordsDeadLettered">Records written to the dead-letter topic (undecodable, or delivery given up on).</param>
/// <param name="RecordsDeadLetterLost">Records given up on whose dead letter the topic refused in every shape (logged as errors with their position).</param>
/// <param name="RecordsSkipped">Records deleted by retention before they were read (the committed offset was out of range).</param>
/// <param name="Commits">Offset commits made.</param>
/// <param name="PartitionsOwned">Input partitions this process reads now.</param>
/// <param name="MaxLag">The largest consumer-group lag among those partitions.</param>
/// <param name="Stalled">The owned partitions whose oldest undelivered record has waited at least the stall threshold, by topic and partition.</param>
public sealed record KafkaStreamStatistics(
    long RecordsConsumed,
    long RecordsProduced,
    long RecordsDeadLettered,
    long RecordsDeadLetterLost,
    long RecordsSkipped,
    long Commits,
    int PartitionsOwned,
    long MaxLag,
    IReadOnlyList<StalledPartition> Stalled);

/// <summary>A partition whose oldest record read but not yet delivered has waited <paramref name="For"/>.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="For">How long its oldest undelivered record has waited.</param>
/// <param name="PendingEvents">Events of the partition read but not yet delivered.</param>
public sealed record StalledPartition(string Topic, int Partition, TimeSpan For, int PendingEvents)
{
    /// <summary>As the status line shows it: <c>events[3] for 42 s</c>.</summary>
    public override string ToString() => $"{Topic}[{Partition}] for {For.TotalSeconds:0} s";
}
