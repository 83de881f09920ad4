using System.Globalization;

namespace Segmenter.Contracts;

/// <summary>
/// The event times Segmenter represents: 0002-01-01T00:00:00.000Z to 9998-12-31T23:59:59.999Z. Avro's timestamp-millis
/// is any long, but <see cref="DateTimeOffset"/> ends at the years 1 and 9999, and the engine adds durations to event
/// times (a session's deadline is its last event time plus the inactivity timeout) and uses
/// <see cref="DateTimeOffset.MinValue"/> as "no stream time yet"; a year of room at each end keeps all of that
/// representable. Decoders check a timestamp against this range before they make a <see cref="DateTimeOffset"/> of it,
/// so a record outside it is refused by name instead of throwing somewhere later.
/// </summary>
public static class EventTimeRange
{
    public static DateTimeOffset Earliest { get; } = new(2, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset Latest { get; } = new(9998, 12, 31, 23, 59, 59, 999, TimeSpan.Zero);

    public static long EarliestUnixMilliseconds { get; } = Earliest.ToUnixTimeMilliseconds();

    public static long LatestUnixMilliseconds { get; } = Latest.ToUnixTimeMilliseconds();

    /// <summary>The range in words, for messages.</summary>
    public static string Text { get; } = string.Create(CultureInfo.InvariantCulture,
        $"{Earliest.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} to {Latest.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}");

    public static bool Contains(long unixMilliseconds) =>
        unixMilliseconds >= EarliestUnixMilliseconds && unixMilliseconds <= LatestUnixMilliseconds;

    public static bool Contains(DateTimeOffset time) => time >= Earliest && time <= Latest;

    /// <summary>The time of <paramref name="unixMilliseconds"/>, or false when it is outside the range.</summary>
    public static bool TryFromUnixMilliseconds(long unixMilliseconds, out DateTimeOffset time)
    {
        time = Contains(unixMilliseconds) ? DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds) : default;
        return Contains(unixMilliseconds);
    }
}
