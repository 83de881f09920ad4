namespace Segmenter.Reader.Verification;

/// <summary>
/// The silo's settings that the checks depend on (they must match the silo's configuration): the inactivity timeout,
/// the optional maximum session duration, the metric names summarised per session, and the purge delay after which a
/// device's seq is forgotten. <paramref name="StrictTimeouts"/>: a session closed <c>TimedOut</c> while its next event
/// is within the timeout by event time is a violation, not a warning — right for input whose event times are the times
/// it was sent (the driver's), where such a close means the silo timed out a session whose next event was already in
/// the input (rule 4), e.g. across a crash.
/// </summary>
internal sealed record VerificationRules(TimeSpan InactivityTimeout, TimeSpan? MaxSessionDuration, int MaxMetricNames, TimeSpan PurgeAfter, bool StrictTimeouts = false)
{
    public static VerificationRules Defaults { get; } = new(TimeSpan.FromSeconds(4), null, 64, TimeSpan.FromMinutes(5));
}
