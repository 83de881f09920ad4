using Segmenter.Contracts;

namespace Segmenter.Reader.Verification;

/// <summary>
/// A session as <c>session-events</c> shows it after dedupe: its distinct events in arrival (source) order, and its
/// summary from <c>sessions</c> once found.
/// </summary>
internal sealed class ObservedSession(string deviceId, string sessionId)
{
    public string DeviceId { get; } = deviceId;

    public string SessionId { get; } = sessionId;

    /// <summary>The session's distinct events, sorted by source position (the order the silo applied them).</summary>
    public List<ExpectedEvent> Events { get; } = [];

    public SessionSummary? Summary { get; set; }

    public ExpectedEvent First => Events[0];

    public ExpectedEvent Last => Events[^1];

    /// <summary>The session's latest event time: the engine's "last event time", which the timeout is measured from.</summary>
    public DateTimeOffset Latest => Events.Max(e => e.Envelope.Timestamp);
}
