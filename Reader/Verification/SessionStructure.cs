using Segmenter.Cli;
using Segmenter.Contracts;

namespace Segmenter.Reader.Verification;

/// <summary>
/// The contract's rules inside one session: a wake-up only opens a session (rule 1); an all-data closes it, so it is the
/// last event and the reason is <c>Completed</c>, and <c>Completed</c> needs it (rule 3); every later event is within the
/// inactivity timeout of the session's latest event time (rules 1–3) and, with a maximum duration, within that of the
/// session's start (rule 5).
/// </summary>
internal static class SessionStructure
{
    public static void Check(ObservedSession session, VerificationRules rules, VerificationReport report)
    {
        void Violation(string check, string message) => report.Violation(check, session.DeviceId, session.SessionId, message);
        var events = session.Events;
        for (var i = 1; i < events.Count; i++)
        {
            if (events[i].Envelope.Event is DeviceWokeUp)
                Violation("wake-up-inside-session", $"{events[i].Describe()} is event {i + 1} of {events.Count}: a wake-up always opens a new session (rule 1).");
        }

        for (var i = 0; i < events.Count - 1; i++)
        {
            if (events[i].Envelope.Event is AllDataReceived)
                Violation("all-data-not-last", $"{events[i].Describe()} is event {i + 1} of {events.Count}: all-data closes its session (rule 3).");
        }

        var reason = session.Summary?.Reason;
        if (session.Last.Envelope.Event is AllDataReceived && reason is { } closedBy && closedBy != CloseReason.Completed)
            Violation("all-data-not-completed", $"the last event is {session.Last.Describe()} but the session was closed {closedBy}, not Completed (rule 3).");
        if (reason == CloseReason.Completed && session.Last.Envelope.Event is not AllDataReceived)
            Violation("completed-without-all-data", $"closed Completed but its last event is {session.Last.Describe()}, not AllDataReceived (rule 3).");

        var latest = session.First.Envelope.Timestamp;
        var started = session.First.Envelope.Timestamp;
        foreach (var e in events.Skip(1))
        {
            var time = e.Envelope.Timestamp;
            if (time - latest > rules.InactivityTimeout)
                Violation("joined-after-timeout",
                    $"{e.Describe()} joined {DurationText.Format(time - latest)} after the session's latest event, more than the timeout {DurationText.Format(rules.InactivityTimeout)}: it should have opened a new session (rules 1-3).");
            if (rules.MaxSessionDuration is { } max && time - started > max)
                Violation("joined-after-max-duration",
                    $"{e.Describe()} joined {DurationText.Format(time - started)} after the session started, more than --max-session-duration {DurationText.Format(max)} (rule 5).");
            if (time > latest)
                latest = time;
        }
    }
}
