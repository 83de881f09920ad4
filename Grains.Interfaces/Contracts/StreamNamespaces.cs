namespace Segmenter.Contracts;

/// <summary>
/// The Orleans stream namespaces of the pipeline. They are fixed; the Kafka topics behind them are configurable.
/// Stream keys are device ids.
/// </summary>
public static class StreamNamespaces
{
    /// <summary>Input events; implicitly subscribed by <c>DeviceSessionGrain</c>.</summary>
    public const string Events = "events";

    /// <summary>Every accepted event, re-keyed by session.</summary>
    public const string SessionEvents = "session-events";

    /// <summary>One summary per closed session.</summary>
    public const string Sessions = "sessions";
}
