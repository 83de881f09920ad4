using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace Segmenter.Streaming.Kafka.Producing;

/// <summary>
/// Sends a record that cannot be decoded to the dead-letter topic: original key and value bytes, original headers,
/// and headers saying why and where it came from. Completes when the broker has it, so the source offset is
/// committed only after the record is safe in the dead-letter topic.
/// </summary>
internal sealed class DeadLetterPublisher(KafkaProducerHost producer, string topic)
{
    public const string ReasonHeader = "dlq.reason";
    public const string KindHeader = "dlq.kind";
    public const string SourceTopicHeader = "dlq.source.topic";
    public const string SourcePartitionHeader = "dlq.source.partition";
    public const string SourceOffsetHeader = "dlq.source.offset";

    public string Topic => topic;

    public Task PublishAsync(ConsumeResult<byte[], byte[]> record, string kind, string reason)
    {
        var headers = new Headers();
        if (record.Message.Headers is { } original)
        {
            foreach (var header in original)
                headers.Add(header.Key, header.GetValueBytes());
        }

        headers.Add(KindHeader, Encoding.UTF8.GetBytes(kind));
        headers.Add(ReasonHeader, Encoding.UTF8.GetBytes(reason));
        headers.Add(SourceTopicHeader, Encoding.UTF8.GetBytes(record.Topic));
        headers.Add(SourcePartitionHeader, Encoding.UTF8.GetBytes(record.Partition.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(SourceOffsetHeader, Encoding.UTF8.GetBytes(record.Offset.Value.ToString(CultureInfo.InvariantCulture)));

        var message = new Message<byte[], byte[]>
        {
            Key = record.Message.Key,
            Value = record.Message.Value,
            Timestamp = record.Message.Timestamp,
            Headers = headers,
        };
        return producer.ProduceAllAsync([(topic, message)]);
    }
}
