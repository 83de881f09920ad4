using System.Globalization;
using System.Text;
using Segmenter.Contracts;

namespace Segmenter.Reader.Stats;

/// <summary>The figures of one reporting interval, and the line that shows them.</summary>
internal sealed record StatsSnapshot(long SessionEvents, long Sessions, IReadOnlyDictionary<CloseReason, long> Closed, long Undecodable, List<double> LatenciesMs)
{
    public string Format(TimeSpan interval, DateTimeOffset now, string lag)
    {
        var seconds = interval.TotalSeconds;
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"{now:HH:mm:ss}  session-events {SessionEvents / seconds,8:N0}/s  sessions {Sessions / seconds,7:N0}/s  closed/s: ");
        line.Append(string.Join(" ", Enum.GetValues<CloseReason>().Select(r => string.Create(CultureInfo.InvariantCulture, $"{r} {Closed.GetValueOrDefault(r) / seconds:N0}"))));
        line.Append("  latency ");
        if (LatenciesMs.Count == 0)
        {
            line.Append('-');
        }
        else
        {
            LatenciesMs.Sort();
            line.Append(CultureInfo.InvariantCulture,
                $"p50 {Percentile(0.50):0}ms p90 {Percentile(0.90):0}ms p99 {Percentile(0.99):0}ms max {LatenciesMs[^1]:0}ms");
        }

        line.Append("  lag ").Append(lag);
        if (Undecodable > 0)
            line.Append(CultureInfo.InvariantCulture, $"  undecodable {Undecodable}");
        return line.ToString();
    }

    /// <summary>Nearest-rank percentile of the sorted samples.</summary>
    private double Percentile(double p) => LatenciesMs[Math.Clamp((int)Math.Ceiling(p * LatenciesMs.Count) - 1, 0, LatenciesMs.Count - 1)];
}
