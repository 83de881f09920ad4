using Segmenter.Contracts;

namespace Segmenter.Grains.Segmentation;

/// <summary>Running figures of one metric name within an open session; constant size whatever the count.</summary>
public sealed record MetricAccumulator
{
    public long Count { get; set; }
    public double Min { get; set; }
    public double Max { get; set; }
    public double Sum { get; set; }
    public double Last { get; set; }

    public void Add(double value)
    {
        if (Count == 0)
        {
            Min = value;
            Max = value;
        }
        else
        {
            Min = Math.Min(Min, value);
            Max = Math.Max(Max, value);
        }

        Count++;
        Sum += value;
        Last = value;
    }

    public MetricAccumulator Copy() => this with { };

    public MetricSummary ToSummary() => new(Count, Min, Max, Count == 0 ? 0 : Sum / Count, Last);
}
