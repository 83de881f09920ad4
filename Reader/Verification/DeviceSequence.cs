using Segmenter.Cli;
using Segmenter.Contracts;

namespace Segmenter.Reader.Verification;

/// <summary>
/// The rules between one device's consecutive sessions, in input order: they do not overlap, and each close reason fits
/// what came next. <c>Superseded</c> needs a next session that opens with a wake-up within the timeout (rule 1);
/// <c>MaxDuration</c> a next session whose first event is past the limit (rule 5). <c>TimedOut</c> while the next event
/// is within the timeout by event time is allowed only as a processing-time timeout (rule 4: the silo saw nothing for the
/// timeout), so it is reported as a warning, or as a violation with <see cref="VerificationRules.StrictTimeouts"/>.
/// </summary>
internal static class DeviceSequence
{
    public static void Check(IReadOnlyList<ObservedSession> sessionsInOrder, VerificationRules rules, VerificationReport report)
    {
        for (var i = 0; i < sessionsInOrder.Count; i++)
        {
            var session = sessionsInOrder[i];
            var next = i + 1 < sessionsInOrder.Count ? sessionsInOrder[i + 1] : null;
            void Violation(string check, string message) => report.Violation(check, session.DeviceId, session.SessionId, message);
            void Warning(string check, string message) => report.Warning(check, session.DeviceId, session.SessionId, message);

            if (next is not null && session.Last.Source > next.First.Source)
                Violation("sessions-overlap",
                    $"its events run to {session.Last.Describe()}, past the first event of the next session {next.SessionId} ({next.First.Describe()}): a device has one open session at a time.");

            var gap = next is null ? (TimeSpan?)null : next.First.Envelope.Timestamp - session.Latest;
            var within = gap is { } g && g <= rules.InactivityTimeout;
            switch (session.Summary?.Reason)
            {
                case CloseReason.Superseded when next is null:
                    Violation("superseded-without-next", "closed Superseded but no later session of the device follows (rule 1).");
                    break;
                case CloseReason.Superseded when next!.First.Envelope.Event is not DeviceWokeUp:
                    Violation("superseded-without-wake-up", $"closed Superseded but the next session opens with {next.First.Describe()}, not a wake-up (rule 1).");
                    break;
                case CloseReason.Superseded when !within:
                    Violation("superseded-after-timeout",
                        $"closed Superseded but the next wake-up ({next!.First.Describe()}) came {DurationText.Format(gap!.Value)} after its latest event, more than the timeout {DurationText.Format(rules.InactivityTimeout)}: that is TimedOut (rule 1).");
                    break;
                case CloseReason.TimedOut when within && rules.StrictTimeouts:
                    Violation("timed-out-in-processing-time",
                        $"closed TimedOut although the next event ({next!.First.Describe()}) is only {DurationText.Format(gap!.Value)} later by event time: with --strict-timeouts a session must not be split by a processing-time timeout (rule 4: its next event was already in the input).");
                    break;
                case CloseReason.TimedOut when within:
                    Warning("timed-out-in-processing-time",
                        $"closed TimedOut although the next event ({next!.First.Describe()}) is only {DurationText.Format(gap!.Value)} later by event time: the timeout was decided in processing time (rule 4), e.g. the events arrived slowly.");
                    break;
                case CloseReason.MaxDuration when rules.MaxSessionDuration is null:
                    Warning("max-duration-unchecked", "closed MaxDuration; give --max-session-duration to check it.");
                    break;
                case CloseReason.MaxDuration when next is null:
                    Violation("max-duration-without-next", "closed MaxDuration but no later event of the device follows: the event that crosses the limit opens the next session (rule 5).");
                    break;
                case CloseReason.MaxDuration when !within:
                    Violation("max-duration-after-timeout",
                        $"closed MaxDuration but the next event ({next!.First.Describe()}) came {DurationText.Format(gap!.Value)} after its latest event, more than the timeout: the timeout is judged first, so that is TimedOut.");
                    break;
                case CloseReason.MaxDuration when next!.First.Envelope.Timestamp - session.First.Envelope.Timestamp <= rules.MaxSessionDuration:
                    Violation("max-duration-early",
                        $"closed MaxDuration but the next event ({next.First.Describe()}) is within {DurationText.Format(rules.MaxSessionDuration!.Value)} of the session's start (rule 5).");
                    break;
            }
        }
    }
}
