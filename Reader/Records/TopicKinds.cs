namespace Segmenter.Reader.Records;

/// <summary>
/// Tells a topic's kind from its name when <c>--kind</c> is not given: Segmenter's topics are named (or suffixed, as in
/// a test run's <c>p1234-session-events</c>) <c>events</c>, <c>session-events</c> and <c>sessions</c>.
/// </summary>
internal static class TopicKinds
{
    public const string Names = "events, session-events, sessions";

    public static TopicKind? FromName(string topic) =>
        topic.EndsWith("session-events", StringComparison.Ordinal) ? TopicKind.SessionEvents
        : topic.EndsWith("sessions", StringComparison.Ordinal) ? TopicKind.Sessions
        : topic.EndsWith("events", StringComparison.Ordinal) ? TopicKind.Events
        : null;

    public static bool TryParse(string text, out TopicKind kind)
    {
        switch (text)
        {
            case "events":
                kind = TopicKind.Events;
                return true;
            case "session-events":
                kind = TopicKind.SessionEvents;
                return true;
            case "sessions":
                kind = TopicKind.Sessions;
                return true;
            default:
                kind = default;
                return false;
        }
    }
}
