using Confluent.Kafka;
using Orleans.Runtime;

namespace Segmenter.Streaming.Kafka;

/// <summary>
/// Turns an event published on an Orleans stream into the Kafka record to produce (key, value, headers). One per
/// output topic. The record is partitioned by its key with Kafka's default (murmur2) partitioner.
/// </summary>
public interface IKafkaRecordEncoder
{
    ValueTask<Message<byte[], byte[]>> EncodeAsync(StreamId streamId, object item, CancellationToken cancellationToken);
}
