using System.Text;
using Confluent.Kafka;
using Orleans.Runtime;
using Segmenter.Streaming.Kafka;

namespace Segmenter.Tests.Kafka;

/// <summary>Writes a published string as a UTF-8 record keyed by the stream key.</summary>
internal sealed class Utf8TestEncoder : IKafkaRecordEncoder
{
    public ValueTask<Message<byte[], byte[]>> EncodeAsync(StreamId streamId, object item, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new Message<byte[], byte[]>
        {
            Key = Encoding.UTF8.GetBytes(streamId.GetKeyAsString()),
            Value = Encoding.UTF8.GetBytes(item.ToString() ?? ""),
        });
}
