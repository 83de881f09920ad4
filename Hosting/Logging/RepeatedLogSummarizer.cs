using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Segmenter.Hosting.Logging;

/// <summary>
/// Keeps a log readable under overload: of the warnings and errors that repeat (same category, event id and level),
/// the first <see cref="ShownPerInterval"/> of each interval are written, the rest only counted, and at the end of the
/// interval one line says how many were left out, with the first one's text. An overloaded silo otherwise writes the
/// same "response did not arrive on time" or "task took too long" line hundreds of thousands of times (3.6 GB in
/// 8 minutes once), and the one line that matters drowns. Lower levels pass through untouched.
/// </summary>
public sealed class RepeatedLogSummarizer : ILoggerProvider
{
    private readonly ILoggerProvider _inner;
    private readonly ConcurrentDictionary<(string Category, int EventId, LogLevel Level), Repeats> _repeats = new();
    private readonly ConcurrentDictionary<string, ILogger> _summaryLoggers = new(StringComparer.Ordinal);
    private readonly ITimer _flush;

    public RepeatedLogSummarizer(ILoggerProvider inner, TimeSpan interval, int shownPerInterval, TimeProvider? time = null)
    {
        _inner = inner;
        Interval = interval;
        ShownPerInterval = shownPerInterval;
        _flush = (time ?? TimeProvider.System).CreateTimer(_ => Flush(), null, interval, interval);
    }

    public TimeSpan Interval { get; }

    public int ShownPerInterval { get; }

    public ILogger CreateLogger(string categoryName) => new SummarizingLogger(_inner.CreateLogger(categoryName), categoryName, this);

    /// <summary>Writes the summary lines of the interval that ends now and starts a new one.</summary>
    public void Flush()
    {
        foreach (var (key, repeats) in _repeats)
        {
            var (suppressed, first) = repeats.Reset();
            if (suppressed == 0)
                continue;
            var logger = _summaryLoggers.GetOrAdd(key.Category, _inner.CreateLogger);
            logger.Log(key.Level, new EventId(key.EventId), new RepeatedLogSummary(suppressed, Interval.TotalSeconds, first), null, RepeatedLogSummary.Format);
        }
    }

    public void Dispose()
    {
        _flush.Dispose();
        Flush();
        _inner.Dispose();
    }

    /// <summary>True when this occurrence is to be written.</summary>
    private bool Admit(string category, EventId eventId, LogLevel level, Func<string> message) =>
        level < LogLevel.Warning || _repeats.GetOrAdd((category, eventId.Id, level), _ => new Repeats()).Admit(ShownPerInterval, message);

    private sealed class Repeats
    {
        private readonly Lock _lock = new();
        private int _shown;
        private long _suppressed;
        private string? _firstSuppressed;

        public bool Admit(int shownPerInterval, Func<string> message)
        {
            lock (_lock)
            {
                if (_shown < shownPerInterval)
                {
                    _shown++;
                    return true;
                }

                if (_suppressed++ == 0)
                    _firstSuppressed = message();
                return false;
            }
        }

        public (long Suppressed, string? First) Reset()
        {
            lock (_lock)
            {
                var result = (_suppressed, _firstSuppressed);
                (_shown, _suppressed, _firstSuppressed) = (0, 0, null);
                return result;
            }
        }
    }

    private sealed class SummarizingLogger(ILogger inner, string category, RepeatedLogSummarizer summarizer) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
                return;
            if (summarizer.Admit(category, eventId, logLevel, () => Shorten(formatter(state, exception))))
                inner.Log(logLevel, eventId, state, exception, formatter);
        }

        private static string Shorten(string message)
        {
            var line = message.ReplaceLineEndings(" ");
            return line.Length <= 300 ? line : line[..300] + "...";
        }
    }
}
