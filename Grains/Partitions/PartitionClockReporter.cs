using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Segmenter.Grains.Hosting;
using Segmenter.Partitions;
using Segmenter.Streaming.Kafka.Metrics;

namespace Segmenter.Grains.Partitions;

/// <summary>
/// Reports, every <see cref="SegmenterOptions.PartitionClockInterval"/>, the read progress of the input partitions
/// this silo owns to their <see cref="IPartitionClockGrain"/>s, where device grains on any silo can read it.
/// </summary>
public sealed partial class PartitionClockReporter(
    IGrainFactory grains,
    KafkaStreamMetricsRegistry providers,
    IOptions<SegmenterOptions> options,
    ILogger<PartitionClockReporter> logger) : BackgroundService
{
    private readonly ILogger _logger = logger;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(options.Value.PartitionClockInterval);
        while (await ticks.WaitForNextTickAsync(stoppingToken))
        {
            var reports = providers.Get(SegmenterOptions.StreamProvider)?.Partitions
                .Where(p => p.Topic == options.Value.EventsTopic)
                .Select(p => grains.GetGrain<IPartitionClockGrain>(PartitionClockGrain.KeyOf(p.Topic, p.Partition))
                    .Report(new PartitionClock(p.Lag + p.PendingEvents, p.StreamTime, p.ObservedAt)))
                .ToList() ?? [];
            try
            {
                await Task.WhenAll(reports);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogReportFailed(e);
            }
        }
    }

    [LoggerMessage(LogLevel.Debug, "Reporting partition clocks failed; the next tick tries again")]
    private partial void LogReportFailed(Exception exception);
}
