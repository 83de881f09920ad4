namespace Segmenter.Contracts;

/// <summary>The key of an <c>events</c> record (Avro <c>events.Device</c>).</summary>
[GenerateSerializer, Immutable]
public sealed record Device([property: Id(0)] string Id)
{
    public override string ToString() => Id;
}
