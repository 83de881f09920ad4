using Azure.Messaging.EventHubs;
using Confluent.SchemaRegistry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Statistics;
using Orleans.Streaming.EventHubs;
using Orleans.Streams;
using Segmenter.Serialization;
using Segmenter.Serialization.Registry;
using Segmenter.Streaming.EventHubs;

namespace Segmenter.Tests.EventHubs;

/// <summary>
/// One partition of an Event Hubs input as a silo's pulling agent sees it, without an Event Hub: Segmenter's adapter
/// factory builds the Orleans provider's own receiver and cache (<c>EventHubAdapterReceiver</c>, <c>EventHubQueueCache</c>)
/// with Segmenter's data adapter, and hands them out through its progress-reporting wrapper; only the Event Hubs client
/// is replaced, by an <see cref="InMemoryPartition"/>. The test plays the pulling agent: it reads, takes cursors and
/// moves them as the agent does (a move after a delivery returned).
/// </summary>
internal sealed class EventHubPartitionHarness : IAsyncDisposable
{
    public const string Provider = "segmenter";
    public const string Hub = "device-events";
    private const string Namespace = "Endpoint=sb://127.0.0.1/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=c2VnbWVudGVyLXRlc3Qta2V5LW5vdC1hLXNlY3JldA==";

    private readonly ServiceProvider _services;
    private readonly EventHubStreamMetrics _metrics = new();
    private readonly EventHubOutputProducers _outputs = new(Namespace, "session-events", "sessions");
    private readonly Dictionary<string, InMemoryPartition> _partitions;

    private EventHubPartitionHarness(ISchemaRegistryClient registry, string partition, string[] partitionIds, SchemaRegistryCacheOptions? registryOptions, TimeSpan? registryOutageWait)
    {
        Partition = new InMemoryPartition();
        _partitions = partitionIds.ToDictionary(id => id, id => id == partition ? Partition : new InMemoryPartition());
        _services = new ServiceCollection()
            .AddSerializer()
            .AddMetrics()
            .AddSingleton<OrleansInstruments>()
            .AddOptions()
            .AddKeyedSingleton<IStreamQueueCheckpointerFactory>(Provider, new RecordingCheckpointerFactory())
            .BuildServiceProvider();
        var codecs = new ContractCodecs(new SchemaRegistryCache(registry, registryOptions));
        var adapter = new SegmenterEventHubDataAdapter(
            _services.GetRequiredService<Serializer>(),
            new EventHubInputDecoder(codecs),
            new EventHubOutputEncoder(codecs, "session-events", "sessions"),
            _metrics,
            NullLogger<SegmenterEventHubDataAdapter>.Instance);
        var hub = new EventHubOptions();
        hub.ConfigureEventHubConnection(Namespace, Hub, "$Default");
        Factory = new SegmenterEventHubAdapterFactory(Provider, hub, new EventHubReceiverOptions(), new EventHubStreamCachePressureOptions(),
            new StreamCacheEvictionOptions(), new StreamStatisticOptions(), adapter, _services, NullLoggerFactory.Instance, new IdleMachine(),
            _outputs, _metrics, Hub, [Listener], Time);
        if (registryOutageWait is { } wait)
            Factory.RegistryOutageWait = wait;
        Factory.UseInMemoryHub(partitionIds, (settings, _, _) => _partitions[settings.Partition]);
        Factory.Init();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 7, 1, 12, 0, 0, TimeSpan.Zero));
    public RecordingProgressListener Listener { get; } = new();
    public SegmenterEventHubAdapterFactory Factory { get; }

    /// <summary>What the data adapter counted (events read, undecodable by kind).</summary>
    public EventHubStreamMetrics Metrics => _metrics;

    /// <summary>The partition under test, as the Event Hubs client reads it.</summary>
    public InMemoryPartition Partition { get; }

    /// <summary>What the agent got from <c>IQueueAdapter.CreateReceiver</c> for the partition.</summary>
    public IQueueAdapterReceiver Receiver { get; private set; } = null!;

    /// <summary>What the agent got from <c>IQueueAdapterCache.CreateQueueCache</c> for the partition.</summary>
    public IQueueCache Cache { get; private set; } = null!;

    /// <summary>A factory whose hub has partitions "0" to "3"; the one under test is <paramref name="partition"/>, initialized as the agent does.</summary>
    /// <param name="registry">The schema registry the data adapter reads and writes through.</param>
    /// <param name="partition">The partition under test.</param>
    /// <param name="registryOptions">The registry cache's failure memory and synchronous wait (defaults otherwise).</param>
    /// <param name="registryOutageWait">How long a read waits for an unreachable registry before it fails (the factory's default otherwise).</param>
    public static async Task<EventHubPartitionHarness> StartAsync(ISchemaRegistryClient registry, string partition = "3",
        SchemaRegistryCacheOptions? registryOptions = null, TimeSpan? registryOutageWait = null)
    {
        var harness = new EventHubPartitionHarness(registry, partition, ["0", "1", "2", "3"], registryOptions, registryOutageWait);
        var adapter = await harness.Factory.CreateAdapter();
        var mapper = (HashRingBasedPartitionedStreamQueueMapper)harness.Factory.GetStreamQueueMapper();
        var queue = mapper.GetAllQueues().Single(q => mapper.QueueToPartition(q) == partition);
        harness.Cache = harness.Factory.GetQueueAdapterCache().CreateQueueCache(queue);
        harness.Receiver = adapter.CreateReceiver(queue);
        await harness.Receiver.Initialize(TimeSpan.FromSeconds(5));
        return harness;
    }

    /// <summary>One read of the agent: the purge it does first, then the receive; the notifications (one per event).</summary>
    public async Task<IList<IBatchContainer>> ReadAsync(params EventData[] events)
    {
        if (events.Length > 0)
            Partition.Append(events);
        Cache.TryPurgeFromCache(out _);
        return await Receiver.GetQueueMessagesAsync(EventHubAdapterReceiverMaxCount, CancellationToken.None);
    }

    /// <summary>A cursor as the agent takes one: a registration's pin, or a consumer's.</summary>
    public IQueueCacheCursor Cursor(StreamId stream, StreamSequenceToken? from)
    {
        var result = Cache.TryGetCacheCursor(stream, from);
        Assert.Equal(QueueCacheCursorResultKind.Success, result.Kind);
        return result.Cursor!;
    }

    /// <summary>The agent's next move of a consumer's cursor (the previous delivery returned): what it hands out, or null.</summary>
    public static DeviceInputBatchContainer? Next(IQueueCacheCursor cursor)
    {
        var moved = cursor.MoveNextWithResult();
        if (moved.Kind == QueueCacheCursorMoveResultKind.NoData)
            return null;
        Assert.Equal(QueueCacheCursorMoveResultKind.Success, moved.Kind);
        return Assert.IsType<DeviceInputBatchContainer>(cursor.GetCurrent(out _));
    }

    /// <summary>Moves the cursor until the stream has nothing more; returns what it handed out.</summary>
    public static List<DeviceInputBatchContainer> Drain(IQueueCacheCursor cursor)
    {
        var delivered = new List<DeviceInputBatchContainer>();
        while (Next(cursor) is { } container)
            delivered.Add(container);
        return delivered;
    }

    /// <summary>The latest report the silo's listeners got (what the scheduler feed keeps).</summary>
    public Segmenter.Streaming.PartitionProgress Progress => Listener.Latest;

    public async ValueTask DisposeAsync()
    {
        await _outputs.DisposeAsync();
        _metrics.Dispose();
        await _services.DisposeAsync();
    }

    // The stock receiver asks Event Hubs for at most this many events per read (EventHubAdapterReceiver.MaxMessagesPerRead).
    private const int EventHubAdapterReceiverMaxCount = 1_000;

    /// <summary>Load shedding is off; the statistics are never asked for.</summary>
    private sealed class IdleMachine : IEnvironmentStatisticsProvider
    {
        public EnvironmentStatistics GetEnvironmentStatistics() => default;
    }
}
