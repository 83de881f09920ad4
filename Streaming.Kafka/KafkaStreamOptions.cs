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

    /// <summary>
    /// How long the broker may hold a fetch of an empty partition (<c>fetch.wait.max.ms</c>). A broker answers at once
    /// when data is there, so this mostly sets how often an idle partition is asked again. 5 ms keeps the added latency
    /// low on librdkafka's mock broker, which answers a fetch only when the wait has passed (p99 at 1,000 events/s fell
    /// from 157 to 39 ms against 20 ms, Benchmarks/README.md); on a real cluster with many partitions per silo, 100 ms
    /// or more costs no latency and fewer idle requests.
    /// </summary>
    public TimeSpan ConsumerFetchWait { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Where to start a partition that has no committed offset for the group.</summary>
    public AutoOffsetReset StartWithoutCommit { get; set; } = AutoOffsetReset.Earliest;

    /// <summary>Producer batching delay (<c>linger.ms</c>).</summary>
    public TimeSpan ProducerLinger { get; set; } = TimeSpan.FromMilliseconds(2);

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
    /// <c>DeliveryFailed</c>) and the partition moves on — and no sooner than <see cref="DeliveryFailureMinimumTime"/>
    /// after its first failure. The pulling agent waits longer between attempts each time (1, 2, 4, 8 s... up to 30 s).
    /// </summary>
    public int DeliveryAttempts { get; set; } = 5;

    /// <summary>
    /// The least time a delivery failing for a reason that is not passing keeps being retried, whatever
    /// <see cref="DeliveryAttempts"/> says. Five attempts take about 15 s; an outage whose error nobody listed as passing
    /// (a new exception type of a store, a failover that answers oddly) usually lasts longer than that, and a minute rides
    /// out a restart or a failover while a record that fails for good still holds its partition's commits for little more.
    /// </summary>
    public TimeSpan DeliveryFailureMinimumTime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a delivery may keep failing, for any reason (passing ones included), before its records are
    /// dead-lettered (kind <c>DeliveryFailed</c>, the reason says for how long, with the last exception). A passing
    /// failure is usually an outage (Redis, the broker, a silo), which must stall and resume without loss: this bound is
    /// well above the few minutes such outages last. It is also what ends a delivery to a grain that hangs on a record:
    /// Orleans reports a call that got no answer in time (<c>TimeoutException</c>) the same way whether the store is
    /// slow or the grain never returns.
    /// </summary>
    public TimeSpan PassingFailureLimit { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Whether a failed delivery may succeed if retried (an unreachable store, broker or silo): such failures are retried
    /// for up to <see cref="PassingFailureLimit"/>, never cut short by <see cref="DeliveryAttempts"/>. The default,
    /// <see cref="Delivery.TransientDeliveryFailures.IsTransient"/>, knows timeouts, connections, silos and Kafka's
    /// retriable errors; extend it with <c>TransientDeliveryFailures.Including</c>.
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

    /// <summary>The output topic that events published on <paramref name="streamNamespace"/> are produced to, if any.</summary>
    public KafkaTopicOptions? OutputTopicFor(string streamNamespace) =>
        Topics.FirstOrDefault(t => t.IsOutput && t.Namespace == streamNamespace);
}
