namespace Segmenter.Benchmarks;

/// <summary>What one column of a throughput run measured.</summary>
internal sealed record ColumnResult(string Name, long Events, long Outputs, TimeSpan Wall, TimeSpan Cpu, TimeSpan RedisCpu, long PeakRssBytes)
{
    public double EventsPerSecond => Events / Wall.TotalSeconds;

    /// <summary>Cores busy on average (this process, plus redis-server).</summary>
    public double Cores => (Cpu + RedisCpu).TotalSeconds / Wall.TotalSeconds;
}
