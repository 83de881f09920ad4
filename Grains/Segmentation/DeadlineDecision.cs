namespace Segmenter.Grains.Segmentation;

/// <summary>What rule 4 and the purge say about a device at a given moment (see <see cref="SessionSegmenter.Decide"/>).</summary>
public enum DeadlineVerdict
{
    /// <summary>No state at all: nothing to time out, nothing to purge.</summary>
    Nothing,

    /// <summary>The open session is over: close it <c>TimedOut</c> now.</summary>
    CloseNow,

    /// <summary>The open session's processing-time deadline (<see cref="DeadlineDecision.Due"/>) has not come yet.</summary>
    NotDue,

    /// <summary>
    /// The processing-time deadline (<see cref="DeadlineDecision.Due"/>) has passed, but the partition has not confirmed
    /// since then that everything it held was delivered: the device's next event may still be waiting. The session
    /// closes once the partition confirms, or once its stream time passes the session's event-time deadline (a
    /// backlog is judged by stream time).
    /// </summary>
    WaitForCatchUp,

    /// <summary>No session open, silent for <c>PurgeAfter</c>, and its last record committed: forget the device.</summary>
    Purge,

    /// <summary>No session open; purgeable once <see cref="DeadlineDecision.Due"/> has passed and its last record is committed.</summary>
    WaitForPurge,
}

/// <param name="Verdict">What to do.</param>
/// <param name="Due">The processing time the verdict waits for, when it waits for one.</param>
public readonly record struct DeadlineDecision(DeadlineVerdict Verdict, DateTimeOffset? Due = null);
