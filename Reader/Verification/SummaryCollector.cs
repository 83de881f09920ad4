using Segmenter.Contracts;
using Segmenter.Reader.Records;

namespace Segmenter.Reader.Verification;

/// <summary>
/// Pairs each observed session with its summary: exactly one per session. Identical copies (a replay after a crash
/// publishes the same summary again) are deduped and counted; different summaries for one session, a summary under the
/// wrong key, a session without a summary and a summary without events are violations.
/// </summary>
internal static class SummaryCollector
{
    public static (long Records, long IdenticalCopies, int Distinct) Attach(
        IEnumerable<SessionSummaryRecord> records, IReadOnlyCollection<ObservedSession> sessions, VerificationReport report)
    {
        var byKey = new Dictionary<(string Device, string Session), SessionSummaryRecord>();
        long read = 0, copies = 0;
        foreach (var record in records)
        {
            read++;
            var summary = record.Summary;
            if (record.Key != summary.Key)
                report.Violation("summary-key-mismatch", summary.DeviceId, summary.SessionId,
                    $"{record.Position} is keyed {record.Key} but summarises {summary.Key}.");
            var key = (summary.DeviceId, summary.SessionId);
            if (!byKey.TryGetValue(key, out var first))
            {
                byKey[key] = record;
                continue;
            }

            copies++;
            if (!first.Summary.Equals(summary))
                report.Violation("conflicting-summaries", summary.DeviceId, summary.SessionId,
                    $"{first.Position} and {record.Position} are different summaries of one session: {first.Summary} / {summary}.");
        }

        var observed = sessions.ToDictionary(s => (s.DeviceId, s.SessionId));
        foreach (var (key, record) in byKey)
        {
            if (observed.TryGetValue(key, out var session))
                session.Summary = record.Summary;
            else
                report.Violation("summary-without-events", key.Device, key.Session,
                    $"{record.Position} summarises a session ({record.Summary.Reason}, {record.Summary.EventCount} events) that has no event in session-events.");
        }

        foreach (var session in sessions.Where(s => s.Summary is null))
            report.Violation("session-without-summary", session.DeviceId, session.SessionId,
                $"{session.Events.Count} events (first {session.First.Describe()}) but no summary in sessions. Still open? Verify after the inactivity timeout, or raise --exit-when-idle.");

        return (read, copies, byKey.Count);
    }
}
