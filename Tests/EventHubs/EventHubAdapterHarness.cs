using Confluent.SchemaRegistry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Streaming.EventHubs;
using Orleans.Streams;
using Segmenter.Contracts;
using Segmenter.Serialization;
using Segmenter.Streaming.EventHubs;

namespace Segmenter.Tests.EventHubs;

/// <summary>
/// Segmenter's data adapter inside the Orleans Event Hubs partition cache (<see cref="EventHubQueueCache"/>, the class
/// the provider's receiver adds what it reads to): events go in as the receiver adds them and come out through cache
/// cursors as the pulling agent reads them. Only the Event Hubs client and the pulling agent are left out.
/// </summary>
internal sealed class EventHubAdapterHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public EventHubAdapterHarness(ISchemaRegistryClient registry, string partition = "3")
    {
        Partition = partition;
        _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        Serializer = _services.GetRequiredService<Serializer>();
        var codecs = new ContractCodecs(registry);
        Adapter = new SegmenterEventHubDataAdapter(
            Serializer,
            new EventHubInputDecoder(codecs),
            new EventHubOutputEncoder(codecs, "session-events", "sessions"),
            Metrics,
            NullLogger<SegmenterEventHubDataAdapter>.Instance);
        var pool = new ObjectPool<FixedSizeBuffer>(() => new FixedSizeBuffer(1 << 16));

        // Everything older than the newest event is purgeable at once, so a purge shows what would be checkpointed.
        var eviction = new ChronologicalEvictionStrategy(NullLogger.Instance, new TimePurgePredicate(TimeSpan.Zero, TimeSpan.Zero), new NoCacheMonitor(), null);
        Cache = new EventHubQueueCache(partition, 1_000, pool, Adapter, eviction, Checkpointer, NullLogger.Instance, new NoCacheMonitor(), null, null);
    }

    public string Partition { get; }
    public Serializer Serializer { get; }
    public EventHubStreamMetrics Metrics { get; } = new();
    public SegmenterEventHubDataAdapter Adapter { get; }
    public EventHubQueueCache Cache { get; }
    public RecordingCheckpointer Checkpointer { get; } = new();

    /// <summary>What the receiver does with one read: add it to the cache, which asks the adapter where each event goes.</summary>
    public List<StreamPosition> Receive(params Azure.Messaging.EventHubs.EventData[] events) => Cache.Add([.. events], DateTime.UtcNow);

    /// <summary>What the pulling agent gets for a stream from the position the receiver reported.</summary>
    public List<DeviceInputBatchContainer> Read(StreamId streamId, StreamSequenceToken from)
    {
        var cursor = Cache.TryGetCursor(streamId, from);
        Assert.Equal(QueueCacheCursorResultKind.Success, cursor.Kind);
        var read = new List<DeviceInputBatchContainer>();
        while (Cache.TryGetNextMessageWithResult(cursor.Cursor!, out var batch).Kind == QueueCacheCursorMoveResultKind.Success)
            read.Add(Assert.IsType<DeviceInputBatchContainer>(batch));
        return read;
    }

    public static StreamId DeviceStream(string deviceId) => StreamId.Create(StreamNamespaces.Events, deviceId);

    public void Dispose()
    {
        Cache.Dispose();
        Metrics.Dispose();
        _services.Dispose();
    }
}
