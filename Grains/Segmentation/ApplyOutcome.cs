namespace Segmenter.Grains.Segmentation;

/// <summary>What became of one incoming event.</summary>
public enum ApplyOutcome
{
    /// <summary>The event joined or opened a session and was emitted.</summary>
    Accepted,

    /// <summary>A retry: its <c>seq</c> was not above the last accepted one.</summary>
    DuplicateDropped,

    /// <summary>The same record again (its position is not after the last one processed).</summary>
    RedeliveryDropped,
}
