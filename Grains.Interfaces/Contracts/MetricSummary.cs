namespace Segmenter.Contracts;

/// <summary>The figures of one metric name within one session (Avro <c>sessions.MetricSummary</c>).</summary>
[GenerateSerializer, Immutable]
public sealed record MetricSummary(
    [property: Id(0)] long Count,
    [property: Id(1)] double Min,
    [property: Id(2)] double Max,
    [property: Id(3)] double Mean,
    [property: Id(4)] double Last);
