using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Streams;
using Orleans.Runtime;
using Segmenter.Streaming.Kafka.Cache;
using Segmenter.Streaming.Kafka.Handover;
using Segmenter.Streaming.Kafka.Metrics;
using Segmenter.Streaming.Kafka.Producing;
using Segmenter.Streaming.Kafka.Receiving;

namespace Segmenter.Streaming.Kafka;

/// <summary>
/// Builds the provider's parts for Orleans: the adapter (produce and receive), the queue mapper (one queue per
/// input partition) and the delivery-tracking cache of each queue. One per provider per silo or client.
/// </summary>
public sealed class KafkaAdapterFactory : IQueueAdapterFactory, IQueueAdapterCache, IDisposable
{
    private readonly string _name;
    private readonly KafkaStreamOptions _options;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Lazy<KafkaQueueMapper> _mapper;
    private readonly Lazy<KafkaProducerHost> _producer;
    /// <summary>A cache created for a queue by one side, waiting for the other (ForReceiver: it waits for the receiver).</summary>
    private readonly Dictionary<QueueId, (DeliveryTrackingCache Cache, bool ForReceiver)> _unpairedCaches = [];
    private readonly ConcurrentDictionary<string, IKafkaRecordDecoder> _decoders = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<IPartitionProgressListener> _progressListeners;
    private KafkaQueueAdapter? _adapter;

    /// <summary>
    /// Creates the factory of provider <paramref name="name"/>. Orleans builds it through <see cref="Create"/> (the options
    /// were validated at start by <see cref="KafkaStreamOptionsValidator"/>); construct it directly only in tests. Nothing connects to Kafka until the first
    /// queue or output is used.
    /// </summary>
    /// <param name="name">The provider's name.</param>
    /// <param name="options">The provider's settings (already validated).</param>
    /// <param name="services">The silo's or client's services: logging, and optionally a <see cref="TimeProvider"/>, an <see cref="IMeterFactory"/> and <see cref="IPartitionProgressListener"/>s.</param>
    public KafkaAdapterFactory(string name, KafkaStreamOptions options, IServiceProvider services)
    {
        _name = name;
        _options = options;
        _services = services;
        _loggerFactory = services.GetRequiredService<ILoggerFactory>();
        _logger = _loggerFactory.CreateLogger<KafkaAdapterFactory>();
        Metrics = new KafkaStreamMetrics(name, services.GetService<IMeterFactory>(), options.StallThreshold, Time);
        _mapper = new Lazy<KafkaQueueMapper>(BuildMapper, LazyThreadSafetyMode.ExecutionAndPublication);
        _producer = new Lazy<KafkaProducerHost>(() => new KafkaProducerHost(_options, _name, _loggerFactory.CreateLogger<KafkaProducerHost>()));
        _progressListeners = [.. services.GetServices<IPartitionProgressListener>()];
    }

    /// <summary>The provider's figures in this process (also in <see cref="KafkaStreamMetricsRegistry"/> under the provider's name).</summary>
    public KafkaStreamMetrics Metrics { get; }

    internal IServiceProvider Services => _services;

    private TimeProvider Time => _services.GetService<TimeProvider>() ?? TimeProvider.System;

    /// <summary>
    /// What Orleans calls to build the provider (see <c>AddKafkaStreams</c>). The settings are checked by the validator that
    /// <c>AddKafkaStreams</c> registers, not here: wiring this factory by hand (<c>AddPersistentStreams</c>) skips the check.
    /// </summary>
    public static KafkaAdapterFactory Create(IServiceProvider services, string name)
    {
        // The settings themselves were checked once, before the host started, by the KafkaStreamOptionsValidator that
        // AddKafkaStreams registers; checking them again here would only repeat its message.
        var options = services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get(name);

        // The cache tracks delivery by cursor movement, which is only a delivery signal one container at a time.
        var agent = services.GetRequiredService<IOptionsMonitor<StreamPullingAgentOptions>>().Get(name);
        if (agent.BatchContainerBatchSize != 1)
            throw new OrleansConfigurationException(
                $"Kafka stream provider '{name}': StreamPullingAgentOptions.BatchContainerBatchSize must be 1 (got {agent.BatchContainerBatchSize}); the provider packs events into containers itself.");

        var factory = new KafkaAdapterFactory(name, options, services);
        services.GetService<KafkaStreamMetricsRegistry>()?.Add(factory.Metrics);
        return factory;
    }

    /// <summary>The adapter, as <see cref="CreateAdapter(CancellationToken)"/>; kept for Orleans' older interface member.</summary>
    [Obsolete("Use the overload that takes a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    /// <summary>
    /// The provider's one adapter: it produces published events to their output topics and creates a partition's
    /// receiver when a pulling agent takes that queue.
    /// </summary>
    /// <param name="cancellationToken">Not used: creating the adapter does not touch the broker.</param>
    public Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken)
    {
        _adapter ??= new KafkaQueueAdapter(_name, _options, this, _producer, Metrics);
        return Task.FromResult<IQueueAdapter>(_adapter);
    }

    /// <summary>The factory itself: it creates each queue's delivery-tracking cache (see <see cref="CreateQueueCache"/>).</summary>
    public IQueueAdapterCache GetQueueAdapterCache() => this;

    /// <summary>
    /// The mapper of streams to queues, one queue per input partition. Built on first use, which asks the broker for
    /// the partition counts not set in the options (waiting up to <see cref="KafkaStreamOptions.MetadataTimeout"/>).
    /// </summary>
    public IStreamQueueMapper GetStreamQueueMapper() => _mapper.Value;

    /// <summary>
    /// A handler that logs the deliveries the pulling agent gives up on. The provider bounds retries and dead-letters
    /// failing records itself (see <see cref="KafkaStreamOptions.DeliveryAttempts"/>), so the agent gives up only if its
    /// own limit was lowered.
    /// </summary>
    /// <param name="queueId">The queue whose deliveries the handler hears about.</param>
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new LoggingDeliveryFailureHandler(_name, _loggerFactory.CreateLogger<LoggingDeliveryFailureHandler>()));

    /// <summary>
    /// The agent creates a cache and a receiver for each queue it takes over, and both must be one partition's: the
    /// receiver marks in the cache what it read. Whichever of the two comes first creates the cache, the second takes it
    /// (Orleans creates the cache first today; nothing here depends on that order). A cache left by a side that came
    /// twice (the agent's start failed before the other side was created) is stale and replaced.
    /// </summary>
    public IQueueCache CreateQueueCache(QueueId queueId) => PairedCache(queueId, forReceiver: false);

    internal KafkaQueueReceiver CreateReceiver(QueueId queueId)
    {
        var (topic, partition) = _mapper.Value.PartitionOf(queueId);
        var cache = PairedCache(queueId, forReceiver: true);
        var decoder = _decoders.GetOrAdd(topic.Name, _ => topic.Decoder!(_services));
        return new KafkaQueueReceiver(queueId, topic, partition, decoder, cache, _options, _name,
            new DeadLetterPublisher(_producer.Value, _options.DeadLetterTopic, Metrics, _loggerFactory.CreateLogger<DeadLetterPublisher>()), Metrics,
            Time,
            Handover(topic.Name, partition),
            _progressListeners,
            _services.GetService<ILocalSiloDetails>()?.SiloAddress,
            _loggerFactory.CreateLogger<KafkaQueueReceiver>());
    }

    private DeliveryTrackingCache PairedCache(QueueId queueId, bool forReceiver)
    {
        lock (_unpairedCaches) // once per queue taken over: no contention worth avoiding
        {
            if (_unpairedCaches.Remove(queueId, out var waiting) && waiting.ForReceiver == forReceiver)
                return waiting.Cache;
            var cache = new DeliveryTrackingCache(_options.CacheSize, Time);
            _unpairedCaches[queueId] = (cache, !forReceiver);
            return cache;
        }
    }

    private PartitionHandover? Handover(string topic, int partition)
    {
        if (_options.HandoverTimeout <= TimeSpan.Zero || _services.GetService<ILocalSiloDetails>() is not { } silo)
            return null;
        return new PartitionHandover(_services.GetRequiredService<IGrainFactory>(), silo.SiloAddress, $"{_name}/{topic}/{partition}",
            _options.HandoverTimeout, _loggerFactory.CreateLogger<PartitionHandover>());
    }

    /// <summary>Flushes and closes the producer (waiting up to 10 s for unacknowledged records) and disposes the metrics.</summary>
    public void Dispose()
    {
        if (_producer.IsValueCreated)
            _producer.Value.Dispose();
        Metrics.Dispose();
    }

    private KafkaQueueMapper BuildMapper()
    {
        var inputs = _options.Topics.Where(t => t.IsInput).ToList();
        var partitions = new KafkaTopicPartitionCounts(_options, _name, _logger).Resolve(inputs);
        return new KafkaQueueMapper(_name, [.. inputs.Select(t => (t, partitions[t.Name]))]);
    }
}
