using System.Collections;
using System.Globalization;

namespace Segmenter.Hosting.Logging;

/// <summary>
/// The state of <see cref="RepeatedLogSummarizer"/>'s summary line, with the same structured fields a message template
/// would give (<c>Suppressed</c>, <c>Seconds</c>, <c>First</c>, <c>{OriginalFormat}</c>). Not a <c>[LoggerMessage]</c>
/// method: the summary carries the event id and level of the lines it stands for, so a filter on that id still finds
/// it, and a source-generated method has one fixed id.
/// </summary>
internal readonly struct RepeatedLogSummary(long suppressed, double seconds, string? first) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public const string Template = "{Suppressed} more like this in the last {Seconds:0} s, not written: {First}";

    public static readonly Func<RepeatedLogSummary, Exception?, string> Format = static (summary, _) => summary.ToString();

    public int Count => 4;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("Suppressed", suppressed),
        1 => new("Seconds", seconds),
        2 => new("First", first),
        3 => new("{OriginalFormat}", Template),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
            yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // As the logging library formats a template: invariant culture, and null shown as "(null)".
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{suppressed} more like this in the last {seconds:0} s, not written: {first ?? "(null)"}");
}
