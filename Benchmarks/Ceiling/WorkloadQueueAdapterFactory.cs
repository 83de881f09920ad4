using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;
using Segmenter.Contracts;
using Segmenter.Streaming.Kafka;
using Segmenter.Streaming.Kafka.Cache;

namespace Segmenter.Benchmarks.Ceiling;

/// <summary>
/// A stream provider whose queues serve a workload held in memory, already decoded: the Orleans side of the pipeline
/// (pulling agents, the provider's delivery-tracking cache, one container per device per read of
/// <see cref="ReadSize"/> records, as the Kafka receiver packs them) with no broker, no Avro and no consumer. What the
/// grains publish is counted and dropped. So the ceiling column pays everything the pipeline pays inside Orleans and
/// nothing outside it.
/// </summary>
internal sealed class WorkloadQueueAdapterFactory : IQueueAdapterFactory, IQueueAdapter, IQueueAdapterCache
{
    private readonly HashRingBasedStreamQueueMapper _mapper;
    private readonly Dictionary<QueueId, (int Partition, List<(StreamId Stream, DeviceInput Input)> Records)> _queues = [];
    private readonly int _cacheSize;
    private long _published;

    public WorkloadQueueAdapterFactory(string name, int partitions, IEnumerable<(string Device, Envelope Envelope)> workload, int cacheSize)
    {
        Name = name;
        _cacheSize = cacheSize;
        _mapper = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = partitions }, name);
        var partition = 0;
        foreach (var queue in _mapper.GetAllQueues())
            _queues[queue] = (partition++, []);
        foreach (var (device, envelope) in workload)
        {
            var stream = StreamId.Create(StreamNamespaces.Events, device);
            var (index, records) = _queues[_mapper.GetQueueForStream(stream)];
            records.Add((stream, new DeviceInput(envelope, new SourcePosition(index, records.Count), envelope.Timestamp)));
        }
    }

    /// <summary>Records per read: the Kafka provider's default <c>MaxBatchSize</c>.</summary>
    public static int ReadSize { get; } = new KafkaStreamOptions().MaxBatchSize;

    public string Name { get; }

    public bool IsRewindable => false;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    /// <summary>Events the grains published (re-keyed events and summaries), dropped.</summary>
    public long Published => Interlocked.Read(ref _published);

    public Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) => Task.FromResult<IQueueAdapter>(this);

    [Obsolete("Use the overload that takes a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    public IQueueAdapterCache GetQueueAdapterCache() => this;

    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new NoOpStreamDeliveryFailureHandler());

    public IQueueCache CreateQueueCache(QueueId queueId) => new DeliveryTrackingCache(_cacheSize);

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId)
    {
        var (partition, records) = _queues[queueId];
        return new WorkloadQueueReceiver(queueId, partition, records);
    }

    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        Interlocked.Add(ref _published, events.TryGetNonEnumeratedCount(out var count) ? count : events.Count());
        return Task.CompletedTask;
    }

    public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext, CancellationToken cancellationToken) =>
        QueueMessageBatchAsync(streamId, events, token, requestContext);
}
