namespace Segmenter.Driver;

/// <summary>When a demo or load run stops on its own: after so many events, after so long, or (neither) on Ctrl+C.</summary>
internal sealed record RunLimit(long? Events, TimeSpan? Duration)
{
    public bool IsReached(long sent, TimeSpan elapsed) =>
        (Events is { } events && sent >= events) || (Duration is { } duration && elapsed >= duration);

    public override string ToString() =>
        Events is { } events ? $"{events} events" : Duration is { } duration ? $"for {Cli.DurationText.Format(duration)}" : "until Ctrl+C";
}
