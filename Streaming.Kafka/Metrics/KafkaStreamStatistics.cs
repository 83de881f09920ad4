namespace Segmenter.Streaming.Kafka.Metrics;

/// <summary>Running totals of one provider in this process, and the partitions it reads that are stalled now.</summary>
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
public sealed record StalledPartition(string Topic, int Partition, TimeSpan For, int PendingEvents)
{
    /// <summary>As the status line shows it: <c>events[3] for 42 s</c>.</summary>
    public override string ToString() => $"{Topic}[{Partition}] for {For.TotalSeconds:0} s";
}
