using Segmenter.Contracts;

namespace Segmenter.Grains.Segmentation;

/// <summary>
/// Everything the engine remembers about one device. Its size is bounded: one open session at most, the
/// dedupe marks and a few counters; closed sessions leave nothing behind (SEGMENTATION.md, "State and purge").
/// The engine mutates it in place; the grain persists it (through <c>DeviceStateMapping</c>, the one place that
/// translates it to and from the stored state).
/// </summary>
/// <remarks>
/// A record for its compiler-written copy (<see cref="Copy"/>): a new member is copied without an edit. Only members
/// the engine mutates in place need a deeper copy, and they are named in <see cref="Copy"/>.
/// </remarks>
public sealed record DeviceState
{
    public required string DeviceId { get; init; }

    /// <summary>The open session, or null.</summary>
    public OpenSession? Open { get; set; }

    /// <summary>Highest <c>seq</c> accepted so far (rule 6), or null when none carried one.</summary>
    public long? LastSeq { get; set; }

    /// <summary>Position of the last record processed (accepted or dropped as a retry): redelivery dedupe.</summary>
    public SourcePosition? LastPosition { get; set; }

    /// <summary>Processing time of the last record: the purge clock.</summary>
    public DateTimeOffset LastArrival { get; set; }

    /// <summary>Retries dropped over the device's life (until purge).</summary>
    public long DuplicatesDropped { get; set; }

    /// <summary>Redelivered records dropped over the device's life (until purge).</summary>
    public long RedeliveriesDropped { get; set; }

    /// <summary>True when nothing is remembered yet (a new or purged device).</summary>
    public bool IsEmpty => Open is null && LastSeq is null && LastPosition is null;

    /// <summary>
    /// A deep copy. The grain applies a batch to a copy and keeps it only once its effects are durable, so a failed
    /// batch leaves the last durable state in memory (a retry must not see its own half-applied events).
    /// </summary>
    public DeviceState Copy() => this with { Open = Open?.Copy() };
}
