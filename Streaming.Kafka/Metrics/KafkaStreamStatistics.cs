namespace Segmenter.Streaming.Kafka.Metrics;

/// <summary>Running totals of one provider in this process.</summary>
public sealed record KafkaStreamStatistics(
    long RecordsConsumed,
    long RecordsProduced,
    long RecordsDeadLettered,
    long RecordsSkipped,
    long Commits,
    int PartitionsOwned,
    long MaxLag);
