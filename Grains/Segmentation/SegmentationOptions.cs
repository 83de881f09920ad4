namespace Segmenter.Grains.Segmentation;

/// <summary>
/// The knobs of the segmentation rules (SEGMENTATION.md, "Defaults"). Plain values: the host binds them
/// from configuration section <c>Segmentation</c> as part of <see cref="Options.SegmenterOptions"/>, which owns that
/// section, and validates them with <see cref="Validate"/> (through <see cref="Options.SegmenterOptionsValidator"/>).
/// <see cref="SessionSegmenter"/> keeps its own copy, so later changes do not affect a running engine.
/// </summary>
public sealed record SegmentationOptions
{
    public const string SectionName = "Segmentation";

    /// <summary>A session with no event for this long is over (rules 1–4). Default 4 s, as in the demo.</summary>
    public TimeSpan InactivityTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>A session longer than this in event time is closed (rule 5). Null turns the rule off (default).</summary>
    public TimeSpan? MaxSessionDuration { get; set; }

    /// <summary>A device silent for this long (processing time) leaves no state at all. Default 5 min.</summary>
    public TimeSpan PurgeAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Bound on distinct metric names summarised per session, so that one device sending ever new names cannot
    /// grow its state without limit. Events with further names are still accepted and forwarded; only their
    /// per-metric figures are left out of the summary.
    /// </summary>
    public int MaxMetricNamesPerSession { get; set; } = 64;

    /// <summary>The problems with these values, each naming the setting; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (InactivityTimeout <= TimeSpan.Zero)
            problems.Add($"{SectionName}:{nameof(InactivityTimeout)} must be positive (got {InactivityTimeout}).");
        if (MaxSessionDuration is { } max && max <= TimeSpan.Zero)
            problems.Add($"{SectionName}:{nameof(MaxSessionDuration)} must be positive or unset (got {max}).");
        if (PurgeAfter <= InactivityTimeout)
            problems.Add($"{SectionName}:{nameof(PurgeAfter)} ({PurgeAfter}) must be longer than {nameof(InactivityTimeout)} ({InactivityTimeout}): state is purged only after its session timed out.");
        if (MaxMetricNamesPerSession < 1)
            problems.Add($"{SectionName}:{nameof(MaxMetricNamesPerSession)} must be at least 1 (got {MaxMetricNamesPerSession}).");
        return problems;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem, or returns this.</summary>
    public SegmentationOptions EnsureValid()
    {
        var problems = Validate();
        return problems.Count == 0 ? this : throw new ArgumentException(string.Join(" ", problems));
    }
}
