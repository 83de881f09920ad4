using System.Globalization;

namespace Segmenter.Cli;

/// <summary>
/// Durations as people type them on a command line: a number and a unit, <c>500ms</c>, <c>10s</c>, <c>1.5s</c>,
/// <c>2m</c>, <c>1h</c>. One parser for every option of both CLIs, so that they all accept the same forms.
/// </summary>
public static class DurationText
{
    private static readonly (string Unit, double Milliseconds)[] Units =
    [
        ("ms", 1),
        ("s", 1_000),
        ("m", 60_000),
        ("h", 3_600_000),
    ];

    public const string Forms = "a number and a unit: ms, s, m or h (e.g. 500ms, 10s, 2m, 1h)";

    public static bool TryParse(string? text, out TimeSpan duration, out string error)
    {
        duration = default;
        text = text?.Trim() ?? "";
        // Longest unit suffix first: "ms" must not be read as "m" after a number ending in "s".
        foreach (var (unit, milliseconds) in Units.OrderByDescending(u => u.Unit.Length))
        {
            if (!text.EndsWith(unit, StringComparison.OrdinalIgnoreCase))
                continue;
            var number = text[..^unit.Length];
            if (number.Length == 0 || !char.IsAsciiDigit(number[^1])
                || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
                break;
            var total = value * milliseconds;
            if (total > TimeSpan.MaxValue.TotalMilliseconds)
                break;
            duration = TimeSpan.FromMilliseconds(total);
            error = "";
            return true;
        }

        error = $"'{text}' is not a duration: expected {Forms}.";
        return false;
    }

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var duration, out var error) ? duration : throw new FormatException(error);

    /// <summary>The shortest exact form: <c>4s</c>, <c>500ms</c>, <c>2m</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        var ms = duration.TotalMilliseconds;
        for (var i = Units.Length - 1; i >= 0; i--)
        {
            var (unit, milliseconds) = Units[i];
            if (ms != 0 && ms % milliseconds == 0)
                return string.Create(CultureInfo.InvariantCulture, $"{ms / milliseconds}{unit}");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{ms}ms");
    }
}
