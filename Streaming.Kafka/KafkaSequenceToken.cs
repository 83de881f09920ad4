using Orleans.Streams;

namespace Segmenter.Streaming.Kafka;

/// <summary>
/// The position of an event in its Kafka partition: the record's offset, and the event's index when one record
/// carries several events. Tokens compare within one partition (one Orleans queue), which is all Orleans asks.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class KafkaSequenceToken : StreamSequenceToken
{
    /// <summary>A token at offset 0; for serializers.</summary>
    public KafkaSequenceToken()
    {
    }

    /// <summary>The token of event <paramref name="eventIndex"/> of the record at <paramref name="offset"/>.</summary>
    /// <param name="offset">The record's Kafka offset.</param>
    /// <param name="eventIndex">The event's index within the record; 0 when a record carries one event, as with this provider's decoders.</param>
    public KafkaSequenceToken(long offset, int eventIndex = 0)
    {
        SequenceNumber = offset;
        EventIndex = eventIndex;
    }

    /// <summary>The Kafka offset.</summary>
    [Id(0)]
    public override long SequenceNumber { get; protected set; }

    /// <summary>The event's index within its record (0 for the first or only event).</summary>
    [Id(1)]
    public override int EventIndex { get; protected set; }

    /// <summary>The Kafka offset (same as <see cref="SequenceNumber"/>).</summary>
    public long Offset => SequenceNumber;

    /// <summary>Whether <paramref name="other"/> names the same offset and event index.</summary>
    /// <param name="other">Another token, or null.</param>
    public override bool Equals(StreamSequenceToken? other) =>
        other is not null && other.SequenceNumber == SequenceNumber && other.EventIndex == EventIndex;

    /// <summary>Whether <paramref name="obj"/> is a token of the same offset and event index.</summary>
    /// <param name="obj">Any object, or null.</param>
    public override bool Equals(object? obj) => obj is StreamSequenceToken other && Equals(other);

    /// <summary>A hash of the offset and event index, consistent with <see cref="Equals(StreamSequenceToken?)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(SequenceNumber, EventIndex);

    /// <summary>Orders by offset, then by event index; meaningful only between tokens of the same partition.</summary>
    /// <param name="other">A token of the same partition; null sorts first.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="other"/> is another provider's token.</exception>
    public override int CompareTo(StreamSequenceToken? other)
    {
        if (other is null)
            return 1;
        if (other is not KafkaSequenceToken)
            throw new ArgumentOutOfRangeException(nameof(other), $"A {nameof(KafkaSequenceToken)} cannot be compared with a {other.GetType().Name}.");
        var byOffset = SequenceNumber.CompareTo(other.SequenceNumber);
        return byOffset != 0 ? byOffset : EventIndex.CompareTo(other.EventIndex);
    }

    /// <summary><c>@offset</c>, or <c>@offset.index</c> for an event after a record's first.</summary>
    public override string ToString() => EventIndex == 0 ? $"@{SequenceNumber}" : $"@{SequenceNumber}.{EventIndex}";
}
