using Segmenter.Contracts;

namespace Segmenter.Grains.Segmentation;

/// <summary>
/// What the engine decided to emit, collected over one or more calls (the grain uses one per delivered
/// batch and publishes it in one go). Reusable: <see cref="Clear"/> keeps the lists' capacity.
/// </summary>
public sealed class SegmentationOutput
{
    /// <summary>Accepted events re-keyed by session, in arrival order: the <c>session-events</c> records.</summary>
    public List<SessionEvent> Events { get; } = [];

    /// <summary>Sessions closed, in the order they were closed: the <c>sessions</c> records.</summary>
    public List<SessionSummary> Summaries { get; } = [];

    /// <summary>Retries dropped by <c>seq</c> (rule 6).</summary>
    public int DuplicatesDropped { get; set; }

    /// <summary>Redelivered records dropped by source position (rule 6).</summary>
    public int RedeliveriesDropped { get; set; }

    public bool IsEmpty => Events.Count == 0 && Summaries.Count == 0;

    public void Clear()
    {
        Events.Clear();
        Summaries.Clear();
        DuplicatesDropped = 0;
        RedeliveriesDropped = 0;
    }
}
