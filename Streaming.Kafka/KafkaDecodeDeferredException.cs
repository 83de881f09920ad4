namespace Segmenter.Streaming.Kafka;

/// <summary>
/// Thrown by an <see cref="IKafkaRecordDecoder"/> that cannot decode a record now but will be able to later, such as
/// when the schema registry it needs cannot be reached. The receiver keeps the record and the ones after it, in order,
/// and decodes them again on its next read. It is the only exception a decoder may use for "retry later": any other
/// exception dead-letters the record (kind <see cref="KafkaDecodeResult.DecoderFailedKind"/>), because retrying the same
/// bytes that fail the same way would stop the partition for good.
/// </summary>
public sealed class KafkaDecodeDeferredException : Exception
{
    public KafkaDecodeDeferredException()
        : base("The record cannot be decoded now; it is kept and decoded again later.")
    {
    }

    public KafkaDecodeDeferredException(string message)
        : base(message)
    {
    }

    public KafkaDecodeDeferredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
