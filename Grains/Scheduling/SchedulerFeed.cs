using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Placement;
using Segmenter.Grains.Options;
using Segmenter.Partitions;
using Segmenter.Streaming;

namespace Segmenter.Grains.Scheduling;

/// <summary>
/// Takes the progress the stream provider reports for the input partitions this silo reads, and hands the latest of
/// each to the partition's deadline scheduler every <see cref="SegmenterOptions.SchedulerInterval"/> (the first report
/// activates the scheduler here, beside the reader). The provider's calls only store a report: they come from the
/// pulling agents, which must never wait.
/// </summary>
public sealed partial class SchedulerFeed(IGrainFactory grains, ILocalSiloDetails silo, IOptions<SegmenterOptions> options, ILogger<SchedulerFeed> logger)
    : BackgroundService, IPartitionProgressListener
{
    private readonly ConcurrentDictionary<int, PartitionProgress> _latest = new();
    private readonly ConcurrentQueue<int> _released = new();
    private readonly ILogger _logger = logger;

    /// <summary>The input partitions this silo reads now.</summary>
    public IReadOnlyCollection<PartitionProgress> Partitions => [.. _latest.Values];

    /// <summary>Whether this silo reads <paramref name="partition"/> of the input now (it has reported progress for it).</summary>
    public bool Reads(int partition) => _latest.ContainsKey(partition);

    public void OnProgress(PartitionProgress progress)
    {
        if (string.Equals(progress.Source, options.Value.EventsTopic, StringComparison.Ordinal))
            _latest[progress.Partition] = progress;
    }

    public void OnReleased(string source, int partition)
    {
        if (!string.Equals(source, options.Value.EventsTopic, StringComparison.Ordinal))
            return;
        _latest.TryRemove(partition, out _);
        _released.Enqueue(partition);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(options.Value.SchedulerInterval);
        while (await ticks.WaitForNextTickAsync(stoppingToken))
        {
            // Any activation (or migration) these calls cause is placed here, beside the partition's reader.
            RequestContext.Set(IPlacementDirector.PlacementHintKey, silo.SiloAddress);
            var calls = _latest.Values.Select(p => Scheduler(p.Partition).Report(p, silo.SiloAddress)).ToList();
            while (_released.TryDequeue(out var partition))
            {
                if (!_latest.ContainsKey(partition))
                    calls.Add(Scheduler(partition).Release());
            }

            RequestContext.Clear();
            try
            {
                await Task.WhenAll(calls);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFeedFailed(e);
            }
        }
    }

    private IPartitionSchedulerGrain Scheduler(int partition) =>
        grains.GetGrain<IPartitionSchedulerGrain>(PartitionSchedulerGrain.KeyOf(options.Value.EventsTopic, partition));

    [LoggerMessage(LogLevel.Debug, "Reporting partition progress to the deadline schedulers failed; the next tick tries again", EventId = 3203)]
    private partial void LogFeedFailed(Exception exception);
}
