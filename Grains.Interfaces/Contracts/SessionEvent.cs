namespace Segmenter.Contracts;

/// <summary>
/// One record of the <c>session-events</c> topic: the input envelope, unchanged, re-keyed by its session.
/// <paramref name="Source"/> travels along (as record headers on Kafka) so that downstream dedupe can use it
/// for events without <c>seq</c>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SessionEvent(
    [property: Id(0)] SessionKey Key,
    [property: Id(1)] Envelope Envelope,
    [property: Id(2)] SourcePosition Source)
{
    public override string ToString() => $"[{Key}] {Envelope.Event}";
}
