using Segmenter.Contracts;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Oracle;

/// <summary>
/// Compares what a pipeline published with what <see cref="SessionOracle"/> says it must publish, the way a downstream
/// consumer sees it: session events deduped by (device, session, source position) and grouped into sessions, one
/// summary per session (identical copies after a replay are allowed; two different ones are not).
/// </summary>
internal static class OracleComparison
{
    /// <summary>The sessions the outputs of <paramref name="devices"/> form, in the oracle's terms.</summary>
    public static IReadOnlyList<ExpectedSession> Observed(IEnumerable<OutputEvent> events, IEnumerable<SessionSummary> summaries, ISet<string> devices)
    {
        var summaryOf = new Dictionary<(string, string), SessionSummary>();
        foreach (var summary in summaries.Where(s => devices.Contains(s.DeviceId)))
        {
            if (summaryOf.TryGetValue((summary.DeviceId, summary.SessionId), out var earlier))
                Assert.True(earlier == summary, $"two different summaries for session {summary.DeviceId}:{summary.SessionId}:\n  {earlier}\n  {summary}");
            summaryOf[(summary.DeviceId, summary.SessionId)] = summary;
        }

        var observed = new List<ExpectedSession>();
        foreach (var session in events.Where(e => devices.Contains(e.Key.Device.Id)).DistinctBy(e => (e.Key, e.Source)).GroupBy(e => e.Key))
        {
            var records = session.Select(e => e.Source).Order().ToList();
            if (!summaryOf.Remove((session.Key.Device.Id, session.Key.SessionId), out var summary))
            {
                observed.Add(ExpectedSession.StillOpen(session.Key.Device.Id, records));
                continue;
            }

            Assert.True(summary.EventCount == records.Count, $"session {session.Key.Device.Id}:{session.Key.SessionId}: summary counts {summary.EventCount} events, {records.Count} were published");
            observed.Add(new ExpectedSession(summary.DeviceId, records, summary.Reason, summary.StartedWithoutWakeUp, summary.Started, summary.Ended, summary.DuplicatesDropped, summary.OutOfOrder));
        }

        Assert.True(summaryOf.Count == 0, $"summaries without events: {string.Join(", ", summaryOf.Keys)}");
        return [.. observed.OrderBy(s => s.DeviceId, StringComparer.Ordinal).ThenBy(s => s.Records[0])];
    }

    /// <summary>Asserts that the outputs form exactly the oracle's sessions, naming the first differences.</summary>
    public static void AssertSame(IReadOnlyList<ExpectedSession> expected, IReadOnlyList<ExpectedSession> observed)
    {
        var expectedSet = expected.Select(Text).ToList();
        var observedSet = observed.Select(Text).ToList();
        var missing = expectedSet.Except(observedSet).Take(5).ToList();
        var unexpected = observedSet.Except(expectedSet).Take(5).ToList();
        Assert.True(missing.Count == 0 && unexpected.Count == 0 && expected.Count == observed.Count,
            $"{expected.Count} sessions expected, {observed.Count} published.\nexpected, not published:\n  {string.Join("\n  ", missing)}\npublished, not expected:\n  {string.Join("\n  ", unexpected)}");
    }

    /// <summary>True when the outputs already hold every expected session (for waiting).</summary>
    public static bool Complete(IReadOnlyList<ExpectedSession> expected, IEnumerable<OutputEvent> events, IEnumerable<SessionSummary> summaries)
    {
        var published = events.Select(e => (e.Key.Device.Id, e.Source)).ToHashSet();
        var summarized = summaries.GroupBy(s => s.DeviceId).ToDictionary(g => g.Key, g => g.Select(s => s.SessionId).Distinct().Count(), StringComparer.Ordinal);
        return expected.All(s => s.Records.All(r => published.Contains((s.DeviceId, r))))
            && expected.GroupBy(s => s.DeviceId).All(g => summarized.GetValueOrDefault(g.Key) >= g.Count(s => !s.IsOpen));
    }

    private static string Text(ExpectedSession session) => session.ToString();
}
