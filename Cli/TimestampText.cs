using System.Globalization;

namespace Segmenter.Cli;

/// <summary>Event times as both CLIs print and record them: UTC, ISO-8601, milliseconds (Avro's precision).</summary>
public static class TimestampText
{
    public static string Format(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
