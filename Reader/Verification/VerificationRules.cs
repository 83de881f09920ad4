namespace Segmenter.Reader.Verification;

/// <summary>
/// The silo's settings that the checks depend on (they must match the silo's configuration): the inactivity timeout,
/// the optional maximum session duration, the metric names summarised per session, and the purge delay after which a
/// device's seq is forgotten.
/// </summary>
internal sealed record VerificationRules(TimeSpan InactivityTimeout, TimeSpan? MaxSessionDuration, int MaxMetricNames, TimeSpan PurgeAfter)
{
    public static VerificationRules Defaults { get; } = new(TimeSpan.FromSeconds(4), null, 64, TimeSpan.FromMinutes(5));
}
