using System.Collections.Concurrent;
using System.Reflection;
using Azure.Messaging.EventHubs.Producer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Statistics;
using Orleans.Streaming.EventHubs;
using Orleans.Streams;
using Segmenter.Streaming.EventHubs.Progress;

namespace Segmenter.Streaming.EventHubs;

/// <summary>
/// The Orleans Event Hubs adapter factory (receivers, cache, checkpoints: all unchanged) with Segmenter's writes:
/// each output stream goes to its own hub (<see cref="EventHubOutputProducers"/>), one event per record, all records
/// of one call in one send with the device id as partition key, so they stay together and in order. Each partition's
/// receiver and cache reach the pulling agent through a <see cref="ProgressReportingQueue"/>, which reports the
/// partition's progress to the silo's <see cref="IPartitionProgressListener"/>s (rule 4 and purges).
/// </summary>
/// <remarks>
/// The stock factory's <c>CreateReceiver</c> and <c>CreateQueueCache</c> are not virtual; they are re-implemented here
/// (the interfaces are listed again, so the explicit implementations below replace the base class's in the interface
/// mapping the pulling agent calls through). Both return the one wrapper of the queue, around the one stock object
/// that is the queue's receiver and cache.
/// <para>
/// The stock receiver reads each partition through a <see cref="SchemaPrefetchingReceiver"/> around its own Event Hubs
/// client, so that the schema registry is asked before the synchronous data adapter decodes, and events wait while it
/// cannot be reached. Outputs ask the registry before the synchronous <c>ToQueueMessage</c> too.
/// </para>
/// </remarks>
public sealed class SegmenterEventHubAdapterFactory(
    string name,
    EventHubOptions ehOptions,
    EventHubReceiverOptions receiverOptions,
    EventHubStreamCachePressureOptions cacheOptions,
    StreamCacheEvictionOptions cacheEvictionOptions,
    StreamStatisticOptions statisticOptions,
    IEventHubDataAdapter dataAdapter,
    IServiceProvider serviceProvider,
    ILoggerFactory loggerFactory,
    IEnvironmentStatisticsProvider environmentStatisticsProvider,
    EventHubOutputProducers outputs,
    EventHubStreamMetrics metrics,
    string hub,
    IEnumerable<IPartitionProgressListener> listeners,
    TimeProvider time)
    : EventHubAdapterFactory(name, ehOptions, receiverOptions, cacheOptions, cacheEvictionOptions, statisticOptions, dataAdapter, serviceProvider, loggerFactory, environmentStatisticsProvider),
      IQueueAdapter, IQueueAdapterCache
{
    private readonly ConcurrentDictionary<QueueId, ProgressReportingQueue> _queues = new();
    private readonly IReadOnlyList<IPartitionProgressListener> _listeners = [.. listeners];
    private readonly ILoggerFactory _loggers = loggerFactory;
    private string[]? _inMemoryPartitions;

    IQueueAdapterReceiver IQueueAdapter.CreateReceiver(QueueId queueId) => QueueOf(queueId);

    IQueueCache IQueueAdapterCache.CreateQueueCache(QueueId queueId) => QueueOf(queueId);

    /// <summary>
    /// Reads the partitions from <paramref name="receivers"/> instead of Event Hubs (tests: the stock receiver, cache and
    /// this factory's wrappers run as in a silo, with no Event Hub reachable). The silo never calls this.
    /// </summary>
    internal void UseInMemoryHub(string[] partitionIds, Func<EventHubPartitionSettings, string, ILogger, IEventHubReceiver> receivers)
    {
        _inMemoryPartitions = partitionIds;
        UsePrefetchingReceivers(receivers);
    }

    /// <summary>
    /// The longest a read waits for an unreachable schema registry before it fails (and the agent reads again), at most
    /// the receive's own wait. Tests shorten it.
    /// </summary>
    internal TimeSpan RegistryOutageWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The partitions' Event Hubs clients as the stock receiver would make them, each behind a <see cref="SchemaPrefetchingReceiver"/>.</summary>
    internal void UsePrefetchingReceivers(Func<EventHubPartitionSettings, string, ILogger, IEventHubReceiver> clients)
    {
        if (dataAdapter is not SegmenterEventHubDataAdapter segmenter)
        {
            EventHubReceiverFactory = clients;
            return;
        }

        EventHubReceiverFactory = (settings, offset, logger) => new SchemaPrefetchingReceiver(
            clients(settings, offset, logger),
            segmenter.PrepareReadAsync,
            RegistryOutageWait,
            segmenter.RegistryRetryPeriod,
            settings.Partition,
            _loggers.CreateLogger<SchemaPrefetchingReceiver>());
    }

    /// <summary>
    /// The Event Hubs client the stock receiver makes for a partition (<c>EventHubReceiverProxy</c>, internal to
    /// Orleans.Streaming.EventHubs; the factory leaves the stock receiver no way to wrap its default otherwise).
    /// </summary>
    internal static IEventHubReceiver StockClient(EventHubPartitionSettings settings, string offset, ILogger logger)
    {
        var constructor = StockClientConstructor ?? throw new InvalidOperationException(
            $"{typeof(IEventHubReceiver).Assembly.GetName()} has no Orleans.Streaming.EventHubs.EventHubReceiverProxy(EventHubPartitionSettings, string, ILogger), which Segmenter wraps: check the Orleans upgrade.");
        return (IEventHubReceiver)constructor.Invoke(BindingFlags.DoNotWrapExceptions, null, [settings, offset, logger], null);
    }

    private static readonly ConstructorInfo? StockClientConstructor = typeof(IEventHubReceiver).Assembly
        .GetType("Orleans.Streaming.EventHubs.EventHubReceiverProxy")
        ?.GetConstructor([typeof(EventHubPartitionSettings), typeof(string), typeof(ILogger)]);

    protected override Task<string[]> GetPartitionIdsAsync() =>
        _inMemoryPartitions is { } partitions ? Task.FromResult(partitions) : base.GetPartitionIdsAsync();

    private ProgressReportingQueue QueueOf(QueueId queueId) => _queues.GetOrAdd(queueId, queue =>
    {
        // The stock factory keeps one receiver per queue for good (a queue that comes back is initialized again), so
        // does this one: the wrapper starts its accounting afresh at each Initialize.
        var partition = ((HashRingBasedPartitionedStreamQueueMapper)GetStreamQueueMapper()).QueueToPartition(queue);
        return new ProgressReportingQueue(
            CreateReceiver(queue),
            CreateQueueCache(queue),
            hub,
            SegmenterEventHubDataAdapter.PartitionIndex(partition),
            stream => stream.GetNamespace() != EventDataLayout.UndecodableNamespace,
            _listeners,
            time,
            _loggers.CreateLogger<ProgressReportingQueue>());
    });

    public override async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        ArgumentNullException.ThrowIfNull(events);
        var hub = outputs.HubFor(streamId.GetNamespace());
        if (dataAdapter is SegmenterEventHubDataAdapter segmenter)
            await segmenter.PrepareWriteAsync(streamId); // the registry asked here, not on the grain's thread in ToQueueMessage
        var records = events.Select(item => dataAdapter.ToQueueMessage(streamId, [item], token, requestContext)).ToList();
        if (records.Count == 0)
            return;

        // One send is one batch: accepted or refused whole. A device's outputs of one delivery are a few small records.
        await outputs.ProducerFor(hub).SendAsync(records, new SendEventOptions { PartitionKey = dataAdapter.GetPartitionKey(streamId) });
        metrics.Written(hub, records.Count);
    }

    /// <summary>Builds the factory as the stock <c>EventHubAdapterFactory.Create</c> does, from the provider's named options.</summary>
    public static new SegmenterEventHubAdapterFactory Create(IServiceProvider services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        T Named<T>() => services.GetRequiredService<IOptionsMonitor<T>>().Get(name);

        // A cursor's next move means its last container was delivered only if the agent delivers one at a time.
        var batch = Named<StreamPullingAgentOptions>().BatchContainerBatchSize;
        if (batch != 1)
            throw new OrleansConfigurationException($"The Event Hubs stream provider '{name}' needs StreamPullingAgentOptions.BatchContainerBatchSize = 1 (got {batch}): its partition progress counts a container as delivered when the agent moves past it.");
        var factory = ActivatorUtilities.CreateInstance<SegmenterEventHubAdapterFactory>(services,
            name,
            Named<EventHubOptions>(),
            Named<EventHubReceiverOptions>(),
            Named<EventHubStreamCachePressureOptions>(),
            Named<StreamCacheEvictionOptions>(),
            Named<StreamStatisticOptions>(),
            services.GetRequiredKeyedService<IEventHubDataAdapter>(name),
            services.GetRequiredKeyedService<EventHubsSettings>(name).EventHubName,
            services.GetService<TimeProvider>() ?? TimeProvider.System);
        factory.UsePrefetchingReceivers(StockClient);
        factory.Init();
        return factory;
    }
}
