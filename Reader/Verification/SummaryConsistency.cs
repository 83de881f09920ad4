using System.Globalization;
using Segmenter.Cli;
using Segmenter.Contracts;

namespace Segmenter.Reader.Verification;

/// <summary>
/// Recomputes a session's summary from its events, as the engine does, and compares: event count, started (first event's
/// time), ended (latest event time), out-of-order count (events older than the latest before them), started without
/// wake-up, per-metric count/min/max/mean/last, and duplicates dropped within what the retries around the session allow.
/// </summary>
internal static class SummaryConsistency
{
    public static void Check(ObservedSession session, IReadOnlyList<ExpectedEvent> retriesOfDevice, ExpectedEvent? nextSessionFirst,
        VerificationRules rules, VerificationReport report)
    {
        if (session.Summary is not { } summary)
            return;
        void Mismatch(string what) => report.Violation("summary-mismatch", session.DeviceId, session.SessionId, what);

        var events = session.Events;
        if (summary.EventCount != events.Count)
            Mismatch($"eventCount is {summary.EventCount} but the session has {events.Count} distinct events in session-events.");
        if (summary.Started != session.First.Envelope.Timestamp)
            Mismatch($"started is {TimestampText.Format(summary.Started)} but the first event's time is {TimestampText.Format(session.First.Envelope.Timestamp)}.");
        if (summary.Ended != session.Latest)
            Mismatch($"ended is {TimestampText.Format(summary.Ended)} but the latest event time is {TimestampText.Format(session.Latest)}.");

        var withoutWakeUp = session.First.Envelope.Event is not DeviceWokeUp;
        if (summary.StartedWithoutWakeUp != withoutWakeUp)
            Mismatch($"startedWithoutWakeUp is {summary.StartedWithoutWakeUp} but the first event is {session.First.Envelope.Event.Kind}.");

        var outOfOrder = 0;
        var latest = session.First.Envelope.Timestamp;
        foreach (var e in events.Skip(1))
        {
            if (e.Envelope.Timestamp < latest)
                outOfOrder++;
            else
                latest = e.Envelope.Timestamp;
        }

        if (summary.OutOfOrder != outOfOrder)
            Mismatch($"outOfOrder is {summary.OutOfOrder} but {outOfOrder} events are older than an earlier event of the session.");

        CheckMetrics(session, summary, rules, Mismatch);
        CheckDuplicates(session, summary, retriesOfDevice, nextSessionFirst, Mismatch);
    }

    private static void CheckMetrics(ObservedSession session, SessionSummary summary, VerificationRules rules, Action<string> mismatch)
    {
        var expected = new Dictionary<string, (long Count, double Min, double Max, double Sum, double Last)>(StringComparer.Ordinal);
        foreach (var data in session.Events.Select(e => e.Envelope.Event).OfType<DataReceived>())
        {
            expected[data.Name] = expected.TryGetValue(data.Name, out var m)
                ? (m.Count + 1, Math.Min(m.Min, data.Value), Math.Max(m.Max, data.Value), m.Sum + data.Value, data.Value)
                : (1, data.Value, data.Value, data.Value, data.Value);
        }

        foreach (var (name, actual) in summary.Metrics)
        {
            if (!expected.TryGetValue(name, out var m))
            {
                mismatch($"metrics has {name}, which no DataReceived of the session reports.");
                continue;
            }

            var mean = m.Sum / m.Count;
            if (actual.Count != m.Count || actual.Min != m.Min || actual.Max != m.Max || actual.Last != m.Last || !Close(actual.Mean, mean))
                mismatch(string.Create(CultureInfo.InvariantCulture,
                    $"metrics.{name} is (count {actual.Count}, min {actual.Min}, max {actual.Max}, mean {actual.Mean}, last {actual.Last}) but the events give (count {m.Count}, min {m.Min}, max {m.Max}, mean {mean}, last {m.Last})."));
        }

        // Beyond the per-session bound on metric names the silo leaves further names out on purpose.
        var missing = expected.Keys.Where(n => !summary.Metrics.ContainsKey(n)).ToList();
        if (missing.Count > 0 && summary.Metrics.Count < rules.MaxMetricNames)
            mismatch($"metrics lacks {string.Join(", ", missing)}, reported by the session's DataReceived events.");
    }

    private static void CheckDuplicates(ObservedSession session, SessionSummary summary, IReadOnlyList<ExpectedEvent> retries,
        ExpectedEvent? nextSessionFirst, Action<string> mismatch)
    {
        // Retries between the session's first and last event arrived while it was surely open; those before the next
        // session's first event may have (the session closes only when that event, or the timeout, comes).
        var (first, last) = (session.First.Source, session.Last.Source);
        var surely = retries.Count(r => r.Source > first && r.Source < last);
        var atMost = retries.Count(r => r.Source > first && (nextSessionFirst is null || r.Source < nextSessionFirst.Source));
        if (summary.DuplicatesDropped < surely || summary.DuplicatesDropped > atMost)
            mismatch($"duplicatesDropped is {summary.DuplicatesDropped} but {surely}..{atMost} retries (by seq) arrived while the session was open.");
    }

    private static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));
}
