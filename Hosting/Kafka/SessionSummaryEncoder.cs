using Confluent.Kafka;
using Orleans.Runtime;
using Segmenter.Contracts;
using Segmenter.Serialization;
using Segmenter.Streaming.Kafka;

namespace Segmenter.Hosting.Kafka;

/// <summary>Writes a <see cref="SessionSummary"/> to the <c>sessions</c> topic, keyed by its session.</summary>
public sealed class SessionSummaryEncoder(ContractSerdes serdes, string topic) : IKafkaRecordEncoder
{
    public async ValueTask<Message<byte[], byte[]>> EncodeAsync(StreamId streamId, object item, CancellationToken cancellationToken)
    {
        var summary = item as SessionSummary
            ?? throw new ArgumentException($"The {topic} topic takes {nameof(SessionSummary)}s, not {item.GetType().Name}.", nameof(item));
        return new Message<byte[], byte[]>
        {
            Key = await serdes.SessionKeySerializer.SerializeAsync(summary.Key, new SerializationContext(MessageComponentType.Key, topic)),
            Value = await serdes.SessionSummarySerializer.SerializeAsync(summary, new SerializationContext(MessageComponentType.Value, topic)),
            Timestamp = new Timestamp(summary.Ended),
        };
    }
}
