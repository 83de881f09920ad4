using System.Globalization;
using Segmenter.Contracts;

namespace Segmenter.Serialization;

/// <summary>
/// Turns a timestamp-millis read from the wire into a time, after checking it against <see cref="EventTimeRange"/>:
/// <see cref="DateTimeOffset.FromUnixTimeMilliseconds"/> would throw an <see cref="ArgumentOutOfRangeException"/> that
/// says nothing about the record, and a time near the ends of the range would overflow later in the engine.
/// </summary>
internal static class AvroTimestamps
{
    /// <param name="millis">Milliseconds since 1970 as written.</param>
    /// <param name="what">What holds it, to start the message (e.g. "Field events.Envelope.timestamp").</param>
    public static DateTimeOffset FromMillis(long millis, string what) =>
        EventTimeRange.TryFromUnixMilliseconds(millis, out var time) ? time : throw OutOfRange(millis, what);

    /// <summary>Checks a time that a reader already converted (a record built in memory).</summary>
    public static DateTimeOffset Checked(DateTimeOffset time, string what) =>
        EventTimeRange.Contains(time) ? time : throw OutOfRange(time.ToUnixTimeMilliseconds(), what);

    public static AvroDecodeException OutOfRange(long millis, string what) =>
        new(AvroDecodeError.TimestampOutOfRange, string.Create(CultureInfo.InvariantCulture,
            $"{what} is {millis} ms since 1970, outside the event times Segmenter represents ({EventTimeRange.Text}){LikelyUnit(millis)}."));

    /// <summary>The usual mistake is a finer unit: say what the value would mean in microseconds or nanoseconds.</summary>
    private static string LikelyUnit(long millis)
    {
        if (millis <= EventTimeRange.LatestUnixMilliseconds)
            return "";
        if (EventTimeRange.TryFromUnixMilliseconds(millis / 1_000, out var micros))
            return $"; read as microseconds it would be {Format(micros)}";
        if (EventTimeRange.TryFromUnixMilliseconds(millis / 1_000_000, out var nanos))
            return $"; read as nanoseconds it would be {Format(nanos)}";
        return "";
    }

    private static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
