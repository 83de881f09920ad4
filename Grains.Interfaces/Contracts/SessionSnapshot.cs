using System.Collections.Immutable;

namespace Segmenter.Contracts;

/// <summary>A device's open session as its grain sees it now (for operators, the dashboard and tests).</summary>
[GenerateSerializer, Immutable]
public sealed record SessionSnapshot(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] string SessionId,
    [property: Id(2)] DateTimeOffset Started,
    [property: Id(3)] DateTimeOffset LastEventTime,
    [property: Id(4)] DateTimeOffset LastArrival,
    [property: Id(5)] long EventCount,
    [property: Id(6)] bool StartedWithoutWakeUp,
    [property: Id(7)] long DuplicatesDropped,
    [property: Id(8)] long OutOfOrder,
    [property: Id(9)] ImmutableSortedDictionary<string, MetricSummary> Metrics);
