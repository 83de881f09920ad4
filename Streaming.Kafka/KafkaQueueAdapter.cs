using Confluent.Kafka;
using Orleans.Runtime;
using Orleans.Streams;
using Segmenter.Streaming.Kafka.Metrics;
using Segmenter.Streaming.Kafka.Producing;

namespace Segmenter.Streaming.Kafka;

/// <summary>
/// The provider's adapter: events published on an output namespace are encoded and produced to its topic, and the
/// returned task completes only when Kafka acknowledged every record (acks=all). A grain that awaits its publish
/// therefore knows its output is durable before it returns, which is what lets the input offset be committed.
/// </summary>
internal sealed class KafkaQueueAdapter(
    string name,
    KafkaStreamOptions options,
    KafkaAdapterFactory factory,
    Lazy<KafkaProducerHost> producer,
    KafkaStreamMetrics metrics) : IQueueAdapter
{
    private readonly Dictionary<string, (string Topic, IKafkaRecordEncoder Encoder)?> _outputs = new(StringComparer.Ordinal);
    private readonly Lock _outputsLock = new();

    public string Name => name;

    /// <summary>Consumers cannot ask for data older than the cache holds; replays come from committed offsets.</summary>
    public bool IsRewindable => false;

    public StreamProviderDirection Direction =>
        options.Topics.Any(t => t.IsInput) ? StreamProviderDirection.ReadWrite : StreamProviderDirection.WriteOnly;

    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        var (topic, encoder) = OutputFor(streamId);
        var messages = new List<(string, Message<byte[], byte[]>)>();
        foreach (var evt in events)
        {
            if (evt is null)
                continue;
            messages.Add((topic, await encoder.EncodeAsync(streamId, evt, CancellationToken.None)));
        }

        await producer.Value.ProduceAllAsync(messages);
        metrics.Produced(topic, messages.Count);
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => factory.CreateReceiver(queueId);

    private (string Topic, IKafkaRecordEncoder Encoder) OutputFor(StreamId streamId)
    {
        var ns = streamId.GetNamespace() ?? "";
        lock (_outputsLock)
        {
            if (!_outputs.TryGetValue(ns, out var output))
            {
                var topic = options.OutputTopicFor(ns);
                output = topic is null ? null : (topic.Name, topic.Encoder!(factory.Services));
                _outputs[ns] = output;
            }

            return output ?? throw new InvalidOperationException(
                $"Kafka stream provider '{name}' has no output topic for stream namespace '{ns}'; add one with AddOutputTopic.");
        }
    }
}
