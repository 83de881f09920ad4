using Confluent.Kafka;
using Segmenter.Streaming.Kafka.Security;

namespace Segmenter.Streaming.Kafka;

/// <summary>
/// Settings of one Kafka stream provider. The scalar settings bind from configuration; topics, decoders and
/// encoders are added in code through the builder (<c>AddKafkaStreams</c>).
/// </summary>
public sealed class KafkaStreamOptions
{
    /// <summary>Kafka bootstrap servers, e.g. <c>localhost:9092</c>. Required.</summary>
    public string BootstrapServers { get; set; } = "";

    /// <summary>
    /// Consumer group under which read offsets are committed, so that standard lag tools see them. Partitions are
    /// assigned by the Orleans queue balancer, not by Kafka group rebalancing. Required where topics are read.
    /// </summary>
    public string ConsumerGroupId { get; set; } = "";

    /// <summary>The topics this provider reads and writes.</summary>
    public List<KafkaTopicOptions> Topics { get; } = [];

    /// <summary>Where records that cannot be decoded go, with the reason in headers.</summary>
    public string DeadLetterTopic { get; set; } = "dead-letters";

    /// <summary>How often delivered offsets are committed. A crash replays at most this much (plus in-flight work).</summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a partition's reader asks the broker for the partition's end, to learn when everything was delivered
    /// (the "caught up at" of its progress reports; see <c>IPartitionProgressListener</c>). Decisions that wait for a
    /// partition to catch up wait up to about this much longer.
    /// </summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How often a partition with nothing new commits its offset again. The provider assigns partitions itself, so its
    /// consumer group has no members, and a broker drops such a group's offsets after <c>offsets.retention.minutes</c>
    /// (7 days by default): an idle partition would restart from its earliest retained record. Keep it well inside that.
    /// </summary>
    public TimeSpan IdleRecommitInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// A partition counts as stalled (status line, <c>kafka.stream.partition.stalled</c>) when its oldest record read
    /// but not delivered has waited this long: its consumers fail, retry, or cannot keep up.
    /// </summary>
    public TimeSpan StallThreshold { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most records one read of a partition takes (one pulling-agent cycle).</summary>
    public int MaxBatchSize { get; set; } = 2_000;

    /// <summary>
    /// Events a partition may hold read but not yet delivered; beyond this the partition stops reading until its
    /// consumers catch up (backpressure). Memory per partition is bounded by this plus the consumer's prefetch.
    /// It also bounds how many streams of a partition are delivered to at once: with many distinct keys each cached
    /// event is a delivery in flight, and 20,000 per partition was slower than 2,000 at 100,000 devices (and used
    /// more memory), while 2,000 still holds a whole read (Benchmarks/README.md).
    /// </summary>
    public int CacheSize { get; set; } = 2_000;

    /// <summary>librdkafka prefetch limit per partition consumer (<c>queued.max.messages.kbytes</c>), in KiB.</summary>
    public int ConsumerPrefetchKBytes { get; set; } = 4_096;

    /// <summary>Where to start a partition that has no committed offset for the group.</summary>
    public AutoOffsetReset StartWithoutCommit { get; set; } = AutoOffsetReset.Earliest;

    /// <summary>Producer batching delay (<c>linger.ms</c>).</summary>
    public TimeSpan ProducerLinger { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Producer compression; lz4 as in the demo.</summary>
    public CompressionType Compression { get; set; } = CompressionType.Lz4;

    /// <summary>
    /// How long a silo taking a partition over waits for the previous owner to commit and let go (while that owner is
    /// still an active silo). Zero turns the hand-over off: the new owner reads at once and may replay.
    /// </summary>
    public TimeSpan HandoverTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long start-up waits for the broker when it discovers partition counts.</summary>
    public TimeSpan MetadataTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How many times a delivery that fails for a reason other than a passing one (see
    /// <see cref="IsTransientDeliveryFailure"/>) is attempted before its records go to the dead-letter topic (kind
    /// <c>DeliveryFailed</c>) and the partition moves on. The pulling agent waits longer between attempts each time
    /// (1, 2, 4, 8 s...). Passing failures are retried as long as the agent retries: an outage stalls, then resumes.
    /// </summary>
    public int DeliveryAttempts { get; set; } = 5;

    /// <summary>
    /// Whether a failed delivery may succeed if retried (an unreachable store, broker or silo): such failures never
    /// dead-letter a record. The default, <see cref="Delivery.TransientDeliveryFailures.IsTransient"/>, knows timeouts,
    /// connections, silos and Kafka's retriable errors; extend it with <see cref="Delivery.TransientDeliveryFailures.Including"/>.
    /// </summary>
    public Func<Exception, bool> IsTransientDeliveryFailure { get; set; } = Delivery.TransientDeliveryFailures.IsTransient;

    /// <summary>
    /// TLS, SASL and mutual TLS for every client of the provider (consumers, producer, metadata), set once; bound from
    /// the <c>Security</c> subsection. Empty: plaintext.
    /// </summary>
    public KafkaSecurityOptions Security { get; } = new();

    /// <summary>Further librdkafka consumer settings, applied last (after <see cref="Security"/>).</summary>
    public Dictionary<string, string> ConsumerSettings { get; } = new(StringComparer.Ordinal);

    /// <summary>Further librdkafka producer settings, applied last (after <see cref="Security"/>).</summary>
    public Dictionary<string, string> ProducerSettings { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// <paramref name="text"/> with every secret these options hold (<see cref="Security"/>'s, and secret-looking values of
    /// <see cref="ConsumerSettings"/> and <see cref="ProducerSettings"/>) replaced by <c>***</c>.
    /// </summary>
    public string Redact(string text) =>
        KafkaSecretRedaction.Redact(text, Security.Secrets()
            .Concat(KafkaSecretRedaction.SecretsOf(ConsumerSettings))
            .Concat(KafkaSecretRedaction.SecretsOf(ProducerSettings)));

    /// <summary>The input topic whose events go to <paramref name="streamNamespace"/>, if any.</summary>
    public KafkaTopicOptions? InputTopicFor(string streamNamespace) =>
        Topics.FirstOrDefault(t => t.IsInput && t.Namespace == streamNamespace);

    /// <summary>The output topic that events published on <paramref name="streamNamespace"/> are produced to, if any.</summary>
    public KafkaTopicOptions? OutputTopicFor(string streamNamespace) =>
        Topics.FirstOrDefault(t => t.IsOutput && t.Namespace == streamNamespace);
}
