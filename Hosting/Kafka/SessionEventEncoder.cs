using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Orleans.Runtime;
using Segmenter.Contracts;
using Segmenter.Serialization;
using Segmenter.Serialization.Kafka;
using Segmenter.Streaming.Kafka;

namespace Segmenter.Hosting.Kafka;

/// <summary>
/// Writes a <see cref="SessionEvent"/> to the <c>session-events</c> topic: key Avro <c>sessions.SessionKey</c>, value
/// the original Avro <c>events.Envelope</c> (as in the demo), and the input record's position in headers so that
/// downstream dedupe works for events without <c>seq</c> (<see cref="SessionEventHeaders"/>).
/// </summary>
public sealed class SessionEventEncoder(ContractSerdes serdes, string topic) : IKafkaRecordEncoder
{
    public async ValueTask<Message<byte[], byte[]>> EncodeAsync(StreamId streamId, object item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        var sessionEvent = item as SessionEvent
            ?? throw new ArgumentException($"The {topic} topic takes {nameof(SessionEvent)}s, not {item.GetType().Name}.", nameof(item));
        var headers = new Headers
        {
            { SessionEventHeaders.SourcePartition, Encoding.ASCII.GetBytes(sessionEvent.Source.Partition.ToString(CultureInfo.InvariantCulture)) },
            { SessionEventHeaders.SourceOffset, Encoding.ASCII.GetBytes(sessionEvent.Source.Offset.ToString(CultureInfo.InvariantCulture)) },
        };
        return new Message<byte[], byte[]>
        {
            Key = await serdes.SessionKeySerializer.SerializeAsync(sessionEvent.Key, new SerializationContext(MessageComponentType.Key, topic, headers)),
            Value = await serdes.EnvelopeSerializer.SerializeAsync(sessionEvent.Envelope, new SerializationContext(MessageComponentType.Value, topic, headers)),
            Timestamp = new Timestamp(sessionEvent.Envelope.Timestamp),
            Headers = headers,
        };
    }
}
