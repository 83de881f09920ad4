namespace Segmenter.Tests.Kafka;

/// <summary>What the provider tests send through Kafka and Orleans: a key, a text value, where it was read.</summary>
[GenerateSerializer, Immutable]
public sealed record TestEvent(
    [property: Id(0)] string Run,
    [property: Id(1)] string Key,
    [property: Id(2)] string Value,
    [property: Id(3)] int Partition,
    [property: Id(4)] long Offset);
