using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Segmenter.Grains.Options;
using Segmenter.Silo.Configuration;
using Segmenter.Silo.Monitoring;
using Segmenter.Streaming.Kafka.Metrics;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Silo;

/// <summary>The silo's status line names a stalled partition while it is stalled, as a warning, and stops when it is not.</summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class StatusLineTests
{
    [Fact]
    public async Task A_stalled_partition_is_named_in_the_status_line_while_it_stalls()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var metrics = new KafkaStreamMetrics(SegmenterOptions.StreamProvider, stallThreshold: TimeSpan.FromSeconds(30), time: time);
        var registry = new KafkaStreamMetricsRegistry();
        registry.Add(metrics);
        var config = new SiloConfiguration();
        config.Host.StatusInterval = TimeSpan.FromMilliseconds(50);
        var log = new RecordingLogger<StatusLine>();
        using var line = new StatusLine(registry, config, log);

        metrics.Report(Status(3, pendingSince: time.GetUtcNow() - TimeSpan.FromSeconds(42)));
        metrics.Report(Status(4, pendingSince: time.GetUtcNow() - TimeSpan.FromSeconds(2)));
        await line.StartAsync(CancellationToken.None);
        await WaitForAsync(() => log.Lines.Any(l => l.Level == LogLevel.Warning));
        var stalled = log.Lines.First(l => l.Level == LogLevel.Warning).Text;
        Assert.Contains("stalled: events[3] for 42 s", stalled, StringComparison.Ordinal);
        Assert.DoesNotContain("events[4]", stalled, StringComparison.Ordinal);

        metrics.Report(Status(3, pendingSince: null)); // delivered: no longer waiting
        log.Queue.Clear();
        await WaitForAsync(() => log.Lines.Any(l => l.Level == LogLevel.Information && l.Text.Contains("stalled: none", StringComparison.Ordinal)));
        await line.StopAsync(CancellationToken.None);
    }

    private static PartitionStatus Status(int partition, DateTimeOffset? pendingSince) =>
        new("events", partition, Position: 10, HighWatermark: 12, CommittedOffset: 8, DeliveredUpTo: 9, PendingEvents: pendingSince is null ? 0 : 2,
            OldestPendingSince: pendingSince, StreamTime: null, CaughtUpAt: null, ObservedAt: DateTimeOffset.UtcNow);

    private static async Task WaitForAsync(Func<bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "the status line did not say it in time");
            await Task.Delay(20);
        }
    }

    private sealed class RecordingLogger<T> : ILogger<T>
    {
        public System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, string Text)> Queue { get; } = new();

        public List<(LogLevel Level, string Text)> Lines => [.. Queue];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Queue.Enqueue((logLevel, formatter(state, exception)));
    }
}
