namespace Segmenter.Cli;

/// <summary>
/// Where a command writes: records and reports to <see cref="Out"/>, progress and problems to <see cref="Error"/>, so
/// that <c>--format jsonl</c> output stays clean for pipes. Tests pass their own writers.
/// </summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error)
{
    public static CliConsole System { get; } = new(Console.Out, Console.Error);
}
