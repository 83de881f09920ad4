using System.Diagnostics;

namespace Segmenter.Benchmarks;

/// <summary>Wall time, CPU time (this process and redis-server) and peak RSS over one column of a run.</summary>
internal sealed class ResourceSampler : IDisposable
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly TimeSpan _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly int _redisPid;
    private readonly TimeSpan _redisCpuAtStart;
    private readonly Timer _timer;
    private long _peakRss;

    private ResourceSampler(int redisPid)
    {
        _redisPid = redisPid;
        _redisCpuAtStart = RedisCpu();
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(250));
    }

    public static ResourceSampler Start(int redisPid) => new(redisPid);

    public ColumnResult Finish(string name, long events, long outputs)
    {
        Sample();
        var wall = _wall.Elapsed;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart;
        var redisCpu = RedisCpu() - _redisCpuAtStart;
        return new ColumnResult(name, events, outputs, wall, cpu, redisCpu, Interlocked.Read(ref _peakRss));
    }

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        using var self = Process.GetCurrentProcess();
        var rss = self.WorkingSet64;
        long seen;
        while (rss > (seen = Interlocked.Read(ref _peakRss)) && Interlocked.CompareExchange(ref _peakRss, rss, seen) != seen)
        {
        }
    }

    private TimeSpan RedisCpu()
    {
        try
        {
            using var redis = Process.GetProcessById(_redisPid);
            return redis.TotalProcessorTime;
        }
        catch (ArgumentException)
        {
            return TimeSpan.Zero;
        }
    }
}
