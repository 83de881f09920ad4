namespace Segmenter.Contracts;

/// <summary>
/// Where an input record came from: its partition and its offset in that partition (Kafka), or the
/// partition and sequence number (Event Hubs). Offsets grow within a partition, so a position that is
/// not after the last one seen for a device is a redelivery (rule 6).
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct SourcePosition([property: Id(0)] int Partition, [property: Id(1)] long Offset)
    : IComparable<SourcePosition>
{
    public int CompareTo(SourcePosition other) =>
        Partition != other.Partition ? Partition.CompareTo(other.Partition) : Offset.CompareTo(other.Offset);

    public static bool operator <(SourcePosition left, SourcePosition right) => left.CompareTo(right) < 0;
    public static bool operator >(SourcePosition left, SourcePosition right) => left.CompareTo(right) > 0;
    public static bool operator <=(SourcePosition left, SourcePosition right) => left.CompareTo(right) <= 0;
    public static bool operator >=(SourcePosition left, SourcePosition right) => left.CompareTo(right) >= 0;

    /// <summary>True when this position comes later in the same partition than <paramref name="other"/>.</summary>
    public bool IsAfter(SourcePosition other) => Partition != other.Partition || Offset > other.Offset;

    public override string ToString() => $"{Partition}@{Offset}";
}
