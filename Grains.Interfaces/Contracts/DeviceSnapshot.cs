namespace Segmenter.Contracts;

/// <summary>Everything a device's grain remembers, read-only (state comparison in tests and drills).</summary>
[GenerateSerializer, Immutable]
public sealed record DeviceSnapshot(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] SessionSnapshot? OpenSession,
    [property: Id(2)] long? LastSeq,
    [property: Id(3)] SourcePosition? LastPosition,
    [property: Id(4)] long DuplicatesDropped,
    [property: Id(5)] long RedeliveriesDropped,
    [property: Id(7)] bool SummaryPending);
