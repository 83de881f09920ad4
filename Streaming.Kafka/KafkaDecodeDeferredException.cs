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
    /// <summary>Creates the exception with a message saying the record is kept and decoded again later.</summary>
    public KafkaDecodeDeferredException()
        : base("The record cannot be decoded now; it is kept and decoded again later.")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>, which the receiver logs (say what is unavailable).</summary>
    /// <param name="message">Why the record cannot be decoded now.</param>
    public KafkaDecodeDeferredException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the failure that made decoding impossible for now.</summary>
    /// <param name="message">Why the record cannot be decoded now.</param>
    /// <param name="innerException">The underlying failure, such as the schema registry's connection error.</param>
    public KafkaDecodeDeferredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
