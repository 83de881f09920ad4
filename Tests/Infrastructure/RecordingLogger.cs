using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Segmenter.Tests.Infrastructure;

/// <summary>Keeps what is logged (level, text, structured fields) so a test can check what an operator would read.</summary>
internal sealed class RecordingLogger : ILogger
{
    public ConcurrentQueue<LoggedLine> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var fields = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
        Lines.Enqueue(new LoggedLine(logLevel, formatter(state, exception), fields.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal), exception));
    }
}

internal sealed record LoggedLine(LogLevel Level, string Text, IReadOnlyDictionary<string, object?> Fields, Exception? Exception);
