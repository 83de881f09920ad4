using System.Diagnostics;
using Segmenter.Grains.Options;
using Segmenter.Silo.Configuration;
using Segmenter.Streaming.Kafka.Metrics;

namespace Segmenter.Silo.Monitoring;

/// <summary>
/// Every few seconds one line like the demo's: <c>record rate: 123.45/sec, max-lag: 0</c>, plus what the stream
/// provider counts (partitions owned, produced records, dead letters, records lost to retention) and the partitions
/// that are stalled (<c>stalled: events[3] for 42 s</c>; the line is then a warning). max-lag is the consumer group's
/// lag as Kafka tools show it: the log end minus the committed offset.
/// </summary>
public sealed partial class StatusLine(KafkaStreamMetricsRegistry providers, SiloConfiguration config, ILogger<StatusLine> logger) : BackgroundService
{
    private readonly ILogger _logger = logger;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var ticks = new PeriodicTimer(config.Host.StatusInterval);
        long lastConsumed = 0;
        var lastTick = Stopwatch.GetTimestamp();
        while (await ticks.WaitForNextTickAsync(stoppingToken))
        {
            if (providers.Get(SegmenterOptions.StreamProvider)?.Snapshot() is not { } now)
                continue;
            var elapsed = Stopwatch.GetElapsedTime(lastTick).TotalSeconds;
            lastTick = Stopwatch.GetTimestamp();
            var rate = (now.RecordsConsumed - lastConsumed) / Math.Max(elapsed, 0.001);
            lastConsumed = now.RecordsConsumed;
            var stalled = now.Stalled.Count == 0 ? "none" : string.Join(", ", now.Stalled);
            if (now.Stalled.Count == 0)
                LogStatus(rate, now.MaxLag, now.PartitionsOwned, now.RecordsProduced, now.RecordsDeadLettered, now.RecordsSkipped, stalled);
            else
                LogStalled(rate, now.MaxLag, now.PartitionsOwned, now.RecordsProduced, now.RecordsDeadLettered, now.RecordsSkipped, stalled);
        }
    }

    [LoggerMessage(LogLevel.Information, "record rate: {Rate:0.00}/sec, max-lag: {MaxLag}, partitions: {Partitions}, produced: {Produced}, dead-lettered: {DeadLettered}, lost-to-retention: {Skipped}, stalled: {Stalled}", EventId = 5100)]
    private partial void LogStatus(double rate, long maxLag, int partitions, long produced, long deadLettered, long skipped, string stalled);

    [LoggerMessage(LogLevel.Warning, "record rate: {Rate:0.00}/sec, max-lag: {MaxLag}, partitions: {Partitions}, produced: {Produced}, dead-lettered: {DeadLettered}, lost-to-retention: {Skipped}, stalled: {Stalled}", EventId = 5101)]
    private partial void LogStalled(double rate, long maxLag, int partitions, long produced, long deadLettered, long skipped, string stalled);
}
