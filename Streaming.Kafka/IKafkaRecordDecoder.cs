using Confluent.Kafka;

namespace Segmenter.Streaming.Kafka;

/// <summary>
/// Turns a consumed Kafka record into the Orleans stream it belongs to and the event to deliver. One per input
/// topic. A record that can never be decoded is reported as <see cref="KafkaDecodeResult.Poison"/>: it goes to
/// the dead-letter topic and the partition moves on. An exception means a passing failure (such as an
/// unreachable schema registry): the record is kept and decoded again later, so that nothing is lost.
/// </summary>
public interface IKafkaRecordDecoder
{
    ValueTask<KafkaDecodeResult> DecodeAsync(ConsumeResult<byte[], byte[]> record, CancellationToken cancellationToken);
}
