using System.Globalization;

namespace Segmenter.Driver;

/// <summary>The pace of a load run: so many events per second, or as fast as Kafka takes them (<c>max</c>).</summary>
internal sealed record LoadRate(double? PerSecond)
{
    public static LoadRate Max { get; } = new((double?)null);

    public static bool TryParse(string text, out LoadRate rate)
    {
        rate = Max;
        if (string.Equals(text, "max", StringComparison.OrdinalIgnoreCase))
            return true;
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var perSecond) && perSecond > 0 && double.IsFinite(perSecond))
        {
            rate = new LoadRate(perSecond);
            return true;
        }

        return false;
    }

    /// <summary>As typed on the command line (and shown as the default in help): <c>1000</c> or <c>max</c>.</summary>
    public override string ToString() =>
        PerSecond is { } perSecond ? perSecond.ToString("0.##", CultureInfo.InvariantCulture) : "max";

    public string Describe() => PerSecond is null ? "max" : $"{this} events/s";
}
