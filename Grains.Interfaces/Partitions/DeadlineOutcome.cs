namespace Segmenter.Partitions;

/// <summary>What a device did when its partition's scheduler asked it to check its deadlines.</summary>
public enum DeadlineOutcome
{
    /// <summary>Its open session timed out and was closed.</summary>
    Closed,

    /// <summary>Nothing is due yet (its state moved on since the scheduler looked, or the partition must confirm more).</summary>
    Waiting,

    /// <summary>It had nothing to time out and forgot itself.</summary>
    Purged,

    /// <summary>It has no open session: the scheduler's entry for it was stale.</summary>
    NoSession,
}
