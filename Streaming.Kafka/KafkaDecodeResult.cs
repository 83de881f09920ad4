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

    /// <summary>The stream the event goes to; <c>default</c> when poison.</summary>
    public StreamId StreamId { get; }

    /// <summary>The event delivered to the stream's consumers; null when poison.</summary>
    public object? Event { get; }

    /// <summary>The event's own time, if the payload has one; it drives the partition's stream time (else the record timestamp).</summary>
    public DateTimeOffset? EventTime { get; }

    /// <summary>A short machine-readable kind, such as <c>NotAvro</c>; null unless poison.</summary>
    public string? PoisonKind { get; }

    /// <summary>Why the record cannot be decoded, for people; null unless poison.</summary>
    public string? PoisonReason { get; }

    /// <summary>Whether the record goes to the dead-letter topic instead of a stream.</summary>
    public bool IsPoison => PoisonKind is not null;

    /// <summary>The record decoded: <paramref name="event"/> is delivered on <paramref name="streamId"/>.</summary>
    /// <param name="streamId">The stream; its namespace is normally the input topic's, so implicit subscribers of it receive the event.</param>
    /// <param name="event">The event; it must be serializable by Orleans (it may be delivered to a grain on another silo).</param>
    /// <param name="eventTime">The event's own time, if its payload has one; null uses the record's timestamp.</param>
    public static KafkaDecodeResult Decoded(StreamId streamId, object @event, DateTimeOffset? eventTime = null) =>
        new(streamId, @event, eventTime, null, null);

    /// <summary>
    /// The record can never be decoded: it is written to the dead-letter topic with its original key, value and headers
    /// plus <c>dlq.kind</c> = <paramref name="kind"/> and <c>dlq.reason</c> = <paramref name="reason"/>, and the records
    /// after it flow on.
    /// </summary>
    /// <param name="kind">A short machine-readable kind, such as <c>NotAvro</c> or <c>UnknownSchema</c>; it also tags the dead-letter counter.</param>
    /// <param name="reason">What is wrong with the record, for the people who read the dead letters.</param>
    public static KafkaDecodeResult Poison(string kind, string reason) => new(default, null, null, kind, reason);
}
