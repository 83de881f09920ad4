namespace Segmenter.Reader.Records;

/// <summary>What a topic holds, which decides how its records are decoded and printed.</summary>
internal enum TopicKind
{
    /// <summary>The input: key Avro <c>events.Device</c>, value <c>events.Envelope</c>.</summary>
    Events,

    /// <summary>Every accepted event: key <c>sessions.SessionKey</c>, value <c>events.Envelope</c>, source position in headers.</summary>
    SessionEvents,

    /// <summary>One summary per closed session: key <c>sessions.SessionKey</c>, value <c>sessions.SessionSummary</c>.</summary>
    Sessions,
}
