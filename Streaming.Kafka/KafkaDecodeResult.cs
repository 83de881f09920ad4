using Orleans.Runtime;

namespace Segmenter.Streaming.Kafka;

/// <summary>What became of one record: an event for a stream, or poison with the reason.</summary>
public readonly record struct KafkaDecodeResult
{
    /// <summary>
    /// The poison kind of a record whose decoder threw anything but <see cref="KafkaDecodeDeferredException"/>; the
    /// reason is the exception's type and message.
    /// </summary>
    public const string DecoderFailedKind = "DecoderFailed";

    private KafkaDecodeResult(StreamId streamId, object? @event, DateTimeOffset? eventTime, string? poisonKind, string? poisonReason)
    {
        StreamId = streamId;
        Event = @event;
        EventTime = eventTime;
        PoisonKind = poisonKind;
        PoisonReason = poisonReason;
    }

    public StreamId StreamId { get; }
    public object? Event { get; }

    /// <summary>The event's own time, if the payload has one; it drives the partition's stream time (else the record timestamp).</summary>
    public DateTimeOffset? EventTime { get; }

    /// <summary>A short machine-readable kind, such as <c>NotAvro</c>; null unless poison.</summary>
    public string? PoisonKind { get; }

    /// <summary>Why the record cannot be decoded, for people; null unless poison.</summary>
    public string? PoisonReason { get; }

    public bool IsPoison => PoisonKind is not null;

    public static KafkaDecodeResult Decoded(StreamId streamId, object @event, DateTimeOffset? eventTime = null) =>
        new(streamId, @event, eventTime, null, null);

    public static KafkaDecodeResult Poison(string kind, string reason) => new(default, null, null, kind, reason);
}
