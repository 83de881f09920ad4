using Confluent.Kafka;

namespace Segmenter.Streaming.Kafka;

/// <summary>
/// Turns a consumed Kafka record into the Orleans stream it belongs to and the event to deliver. One per input
/// topic, called for the records of a partition one at a time, in offset order.
/// </summary>
/// <remarks>
/// The contract, which keeps a partition from ever stopping on a record:
/// <list type="bullet">
/// <item><description>A record that can never be decoded is returned as <see cref="KafkaDecodeResult.Poison"/> with a
/// short kind and a reason for people: it goes to the dead-letter topic (headers <c>dlq.kind</c>, <c>dlq.reason</c>)
/// and the records after it flow on.</description></item>
/// <item><description>A record that cannot be decoded <em>now</em> but can later (the schema registry cannot be
/// reached) is reported by throwing <see cref="KafkaDecodeDeferredException"/>: the receiver keeps it and the records
/// after it, in order, and decodes them again on its next read. Nothing else means "retry later".</description></item>
/// <item><description>Any other exception is a failure that the same bytes would repeat: the record is dead-lettered
/// with kind <see cref="KafkaDecodeResult.DecoderFailedKind"/> and the exception's type and message as reason. A decoder
/// bug therefore costs the records it fails on, visibly, never the partition.</description></item>
/// <item><description>An <see cref="OperationCanceledException"/> while <c>cancellationToken</c> is cancelled ends the
/// read (the partition is being released; its next owner reads from the last commit).</description></item>
/// </list>
/// </remarks>
public interface IKafkaRecordDecoder
{
    /// <summary>
    /// Decodes one record: <see cref="KafkaDecodeResult.Decoded"/> names the stream (its namespace should be the input
    /// topic's namespace, so implicit subscribers of that namespace receive it) and the event, which must be
    /// serializable by Orleans; <see cref="KafkaDecodeResult.Poison"/> dead-letters the record.
    /// </summary>
    /// <param name="record">The record as consumed, key and value as raw bytes, with its topic, partition, offset, timestamp and headers.</param>
    /// <param name="cancellationToken">Cancelled when the partition is released or the silo stops.</param>
    ValueTask<KafkaDecodeResult> DecodeAsync(ConsumeResult<byte[], byte[]> record, CancellationToken cancellationToken);
}
