using Segmenter.Streaming.Kafka;

namespace Segmenter.Serialization;

/// <summary>
/// Why a record could not be decoded, as every transport and tool reports it: the <see cref="AvroDecodeError"/> kind and
/// message for a record the codecs refused, or <see cref="KafkaDecodeResult.DecoderFailedKind"/> with the exception's
/// type and message for anything else a decoder threw. Registry outages are not failures of the record (see
/// <see cref="SchemaRegistryOutage"/>): callers retry those instead.
/// </summary>
public sealed record DecodeFailure(string Kind, string Reason)
{
    public static DecodeFailure Of(Exception exception) => exception is AvroDecodeException decode
        ? new DecodeFailure(decode.Error.ToString(), decode.Message)
        : new DecodeFailure(KafkaDecodeResult.DecoderFailedKind, $"{exception.GetType().FullName}: {exception.Message}");
}
