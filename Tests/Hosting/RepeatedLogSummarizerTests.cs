using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Segmenter.Hosting.Logging;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Hosting;

/// <summary>An overloaded silo's repeated warnings: a few written, the rest counted and summarised once per interval.</summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class RepeatedLogSummarizerTests
{
    [Fact]
    public void Repeats_beyond_the_allowance_are_counted_and_summarised_once_per_interval()
    {
        var time = new FakeTimeProvider();
        var sink = new RecordingProvider();
        using var summarizer = new RepeatedLogSummarizer(sink, TimeSpan.FromSeconds(10), shownPerInterval: 3, time);
        var logger = summarizer.CreateLogger("Orleans.Runtime.CallbackData");
        var other = summarizer.CreateLogger("Segmenter.Other");

        for (var i = 0; i < 1_000; i++)
            logger.LogWarning(new EventId(100157), "Response did not arrive on time for message {Message}", i);
        other.LogWarning(new EventId(1), "a different warning");
        other.LogInformation(new EventId(1), "information always passes");
        other.LogInformation(new EventId(1), "information always passes");

        Assert.Equal(3, sink.Lines.Count(l => l.Text.StartsWith("Response did not arrive", StringComparison.Ordinal)));
        Assert.Single(sink.Lines, l => l.Text == "a different warning");
        Assert.Equal(2, sink.Lines.Count(l => l.Level == LogLevel.Information));

        time.Advance(TimeSpan.FromSeconds(10));
        var summary = Assert.Single(sink.Lines, l => l.Text.Contains("more like this", StringComparison.Ordinal));
        Assert.Equal(("Orleans.Runtime.CallbackData", LogLevel.Warning, 100157), (summary.Category, summary.Level, summary.EventId));
        Assert.StartsWith("997 more like this in the last 10 s, not written: Response did not arrive on time for message 3", summary.Text, StringComparison.Ordinal);

        // A new interval: the allowance is back, and a quiet interval writes no summary.
        logger.LogWarning(new EventId(100157), "Response did not arrive on time for message {Message}", 1_000);
        Assert.Equal(4, sink.Lines.Count(l => l.Text.StartsWith("Response did not arrive", StringComparison.Ordinal)));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Single(sink.Lines, l => l.Text.Contains("more like this", StringComparison.Ordinal));
    }

    private sealed class RecordingProvider : ILoggerProvider
    {
        public List<(string Category, LogLevel Level, int EventId, string Text)> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Recorder(RecordingProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (provider.Lines)
                    provider.Lines.Add((category, logLevel, eventId.Id, formatter(state, exception)));
            }
        }
    }
}
