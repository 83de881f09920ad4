using Segmenter.Contracts;
using Segmenter.Serialization;

namespace Segmenter.Streaming.EventHubs;

/// <summary>What became of one input event: a device's envelope, or undecodable with the reason.</summary>
public sealed record EventHubDecodeResult
{
    private EventHubDecodeResult(string? deviceId, Envelope? envelope, string? kind, string? reason)
    {
        DeviceId = deviceId;
        Envelope = envelope;
        Kind = kind;
        Reason = reason;
    }

    public string? DeviceId { get; }
    public Envelope? Envelope { get; }

    /// <summary>
    /// Why the event cannot be decoded, with the kinds the Kafka transport dead-letters with (an
    /// <see cref="AvroDecodeError"/> name, or <c>DecoderFailed</c>); null when it was decoded.
    /// </summary>
    public string? Kind { get; }

    /// <summary>The problem in words, naming what was wrong; null when decoded.</summary>
    public string? Reason { get; }

    public bool IsDecoded => Envelope is not null;

    public static EventHubDecodeResult Decoded(string deviceId, Envelope envelope) => new(deviceId, envelope, null, null);

    public static EventHubDecodeResult Undecodable(DecodeFailure failure) => new(null, null, failure.Kind, failure.Reason);
}
