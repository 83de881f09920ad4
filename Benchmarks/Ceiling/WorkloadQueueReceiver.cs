using Orleans.Runtime;
using Orleans.Streams;
using Segmenter.Contracts;
using Segmenter.Streaming.Kafka;

namespace Segmenter.Benchmarks.Ceiling;

/// <summary>
/// One queue of <see cref="WorkloadQueueAdapterFactory"/>: each read hands out the next records, one container per
/// device in first-appearance order, as <c>KafkaQueueReceiver</c> packs a poll.
/// </summary>
internal sealed class WorkloadQueueReceiver(QueueId queueId, int partition, List<(StreamId Stream, DeviceInput Input)> records) : IQueueAdapterReceiver
{
    private int _next;

    public QueueId QueueId => queueId;

    public Task Initialize(TimeSpan timeout, CancellationToken cancellationToken) => Task.CompletedTask;

    [Obsolete("Use the overload that takes a CancellationToken.")]
    public Task Initialize(TimeSpan timeout) => Task.CompletedTask;

    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        var take = Math.Min(records.Count - _next, maxCount > 0 ? Math.Min(maxCount, WorkloadQueueAdapterFactory.ReadSize) : WorkloadQueueAdapterFactory.ReadSize);
        if (take <= 0)
            return Task.FromResult<IList<IBatchContainer>>([]);

        var streams = new Dictionary<StreamId, (List<long> Offsets, List<object> Events)>();
        var order = new List<StreamId>();
        for (var i = _next; i < _next + take; i++)
        {
            var (stream, input) = records[i];
            if (!streams.TryGetValue(stream, out var batch))
            {
                streams[stream] = batch = ([], []);
                order.Add(stream);
            }

            batch.Offsets.Add(i);
            batch.Events.Add(input);
        }

        _next += take;
        IList<IBatchContainer> containers = [.. order.Select(s => (IBatchContainer)new KafkaBatchContainer(s, partition, [.. streams[s].Offsets], [.. streams[s].Events]))];
        return Task.FromResult(containers);
    }

    [Obsolete("Use the overload that takes a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken) => Task.CompletedTask;

    [Obsolete("Use the overload that takes a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => Task.CompletedTask;

    public Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken) => Task.CompletedTask;

    [Obsolete("Use the overload that takes a CancellationToken.")]
    public Task Shutdown(TimeSpan timeout) => Task.CompletedTask;
}
