using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Segmenter.Tests.Infrastructure;

/// <summary>
/// Adds up what a counter of a meter records from now on, for the measurements whose tags match (a test's own topic,
/// say): what a dashboard summing the exported counter would show.
/// </summary>
internal sealed class CounterReader : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Func<IReadOnlyDictionary<string, object?>, bool> _matches;
    private readonly ConcurrentQueue<long> _recordedAt = new();
    private long _total;

    public CounterReader(string meter, string instrument, Func<IReadOnlyDictionary<string, object?>, bool> matches)
    {
        _matches = matches;
        _listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == meter && i.Name == instrument)
                l.EnableMeasurementEvents(i);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Record(value, tags));
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    /// <summary>When each matching measurement was recorded (<see cref="Stopwatch"/> timestamps), in order.</summary>
    public IReadOnlyList<long> RecordedAt => [.. _recordedAt];

    public void Dispose() => _listener.Dispose();

    private void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var byName = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
            byName[tag.Key] = tag.Value;
        if (_matches(byName))
        {
            Interlocked.Add(ref _total, value);
            _recordedAt.Enqueue(Stopwatch.GetTimestamp());
        }
    }
}
