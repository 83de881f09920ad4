using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Segmenter.Grains.Hosting;
using Segmenter.Partitions;

namespace Segmenter.Grains.Partitions;

/// <summary>
/// This silo's copy of the input partitions' clocks, refreshed from their <see cref="IPartitionClockGrain"/>s every
/// <see cref="SegmenterOptions.PartitionClockInterval"/>. Device grains read it without a grain call: a timeout check
/// is a dictionary lookup, however many devices check at once (a grain call per check made 100,000 waiting devices
/// cost 100,000 calls a second). A partition is fetched from the first time a device asks for it.
/// It also keeps the devices of this silo whose open session waits for the stream time of a lagging partition, and
/// calls each once the stream time has passed its deadline or the partition caught up (one scan per tick instead of
/// a timer per device).
/// </summary>
public sealed partial class PartitionClocks(IGrainFactory grains, IOptions<SegmenterOptions> options, TimeProvider time, ILogger<PartitionClocks> logger)
    : BackgroundService
{
    private readonly ConcurrentDictionary<int, PartitionClock?> _clocks = new();
    private readonly ConcurrentDictionary<int, ConcurrentDictionary<string, DateTimeOffset>> _waiting = new();
    private readonly ILogger _logger = logger;
    private long _woken;

    /// <summary>The last known clock of a partition of the input topic, or null when none is known (yet).</summary>
    public PartitionClock? Of(int partition) => _clocks.GetOrAdd(partition, static _ => null);

    /// <summary>
    /// The partition's clock if its reader reported within three intervals, else null (unknown: the reader is gone,
    /// the partition is being taken over, or the cluster just started).
    /// </summary>
    public PartitionClock? FreshOf(int partition, DateTimeOffset now) => Fresh(Of(partition), now);

    private PartitionClock? Fresh(PartitionClock? clock, DateTimeOffset now) =>
        clock is not null && now - clock.ObservedAt <= options.Value.PartitionClockInterval * 3 ? clock : null;

    /// <summary>Devices waiting on a partition's stream time.</summary>
    public int Waiting => _waiting.Values.Sum(w => w.Count);

    /// <summary>Devices called so far because their partition's stream time passed their deadline or the lag ended.</summary>
    public long Woken => Interlocked.Read(ref _woken);

    /// <summary>
    /// Calls <see cref="IDeviceSessionGrain.CheckDeadlines"/> of <paramref name="deviceId"/> once the stream time of
    /// <paramref name="partition"/> is after <paramref name="streamTime"/> or the partition no longer lags. A later
    /// request of the same device replaces an earlier one.
    /// </summary>
    public void WakeWhenPassed(int partition, DateTimeOffset streamTime, string deviceId)
    {
        Of(partition);
        _waiting.GetOrAdd(partition, static _ => new(StringComparer.Ordinal))[deviceId] = streamTime;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(options.Value.PartitionClockInterval);
        while (await ticks.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var partition in _clocks.Keys)
            {
                try
                {
                    var clock = await grains.GetGrain<IPartitionClockGrain>(PartitionClockGrain.KeyOf(options.Value.EventsTopic, partition)).Current();
                    _clocks[partition] = clock;
                    WakeDue(partition, clock);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogRefreshFailed(e, partition);
                }
            }
        }
    }

    private void WakeDue(int partition, PartitionClock? clock)
    {
        if (!_waiting.TryGetValue(partition, out var waiting) || waiting.IsEmpty)
            return;
        // A missing or stale clock (its reader is gone) wakes everyone: the devices then apply the patience rule.
        var fresh = Fresh(clock, time.GetUtcNow());
        foreach (var (device, deadline) in waiting)
        {
            if (fresh is { Lag: > 0, StreamTime: { } streamTime } && streamTime <= deadline)
                continue;
            if (!waiting.TryRemove(KeyValuePair.Create(device, deadline)))
                continue;
            Interlocked.Increment(ref _woken);
            grains.GetGrain<IDeviceSessionGrain>(device).CheckDeadlines().Ignore();
        }
    }

    [LoggerMessage(LogLevel.Debug, "Refreshing the clock of partition {Partition} failed; the next tick tries again")]
    private partial void LogRefreshFailed(Exception exception, int partition);
}
