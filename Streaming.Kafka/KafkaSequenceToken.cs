using Orleans.Streams;

namespace Segmenter.Streaming.Kafka;

/// <summary>
/// The position of an event in its Kafka partition: the record's offset, and the event's index when one record
/// carries several events. Tokens compare within one partition (one Orleans queue), which is all Orleans asks.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class KafkaSequenceToken : StreamSequenceToken
{
    public KafkaSequenceToken()
    {
    }

    public KafkaSequenceToken(long offset, int eventIndex = 0)
    {
        SequenceNumber = offset;
        EventIndex = eventIndex;
    }

    /// <summary>The Kafka offset.</summary>
    [Id(0)]
    public override long SequenceNumber { get; protected set; }

    [Id(1)]
    public override int EventIndex { get; protected set; }

    /// <summary>The Kafka offset (same as <see cref="SequenceNumber"/>).</summary>
    public long Offset => SequenceNumber;

    public override bool Equals(StreamSequenceToken? other) =>
        other is not null && other.SequenceNumber == SequenceNumber && other.EventIndex == EventIndex;

    public override bool Equals(object? obj) => obj is StreamSequenceToken other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(SequenceNumber, EventIndex);

    public override int CompareTo(StreamSequenceToken? other)
    {
        if (other is null)
            return 1;
        if (other is not KafkaSequenceToken)
            throw new ArgumentOutOfRangeException(nameof(other), $"A {nameof(KafkaSequenceToken)} cannot be compared with a {other.GetType().Name}.");
        var byOffset = SequenceNumber.CompareTo(other.SequenceNumber);
        return byOffset != 0 ? byOffset : EventIndex.CompareTo(other.EventIndex);
    }

    public override string ToString() => EventIndex == 0 ? $"@{SequenceNumber}" : $"@{SequenceNumber}.{EventIndex}";
}
