using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Segmenter.Serialization;

namespace Segmenter.Streaming.EventHubs;

/// <summary>
/// What the Event Hubs transport counts, as <see cref="System.Diagnostics.Metrics"/> instruments (meter
/// <c>Segmenter.Streaming.EventHubs</c>) and as running totals for the host and tests. Undecodable events are
/// counted here because Event Hubs has no dead-letter hub in this design: the log line and this count are their only
/// trace.
/// </summary>
public sealed class EventHubStreamMetrics : IDisposable
{
    public const string MeterName = "Segmenter.Streaming.EventHubs";

    private readonly Meter _meter;
    private readonly Counter<long> _read;
    private readonly Counter<long> _undecodable;
    private readonly Counter<long> _written;
    private readonly ConcurrentDictionary<string, long> _undecodableByKind = new(StringComparer.Ordinal);
    private long _readTotal;
    private long _undecodableTotal;
    private long _writtenTotal;

    public EventHubStreamMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _read = _meter.CreateCounter<long>("eventhubs.stream.events.read", "{event}", "Input events taken into the cache.");
        _undecodable = _meter.CreateCounter<long>("eventhubs.stream.events.undecodable", "{event}", "Input events that could not be decoded and were skipped.");
        _written = _meter.CreateCounter<long>("eventhubs.stream.events.written", "{event}", "Output events acknowledged by Event Hubs.");
    }

    public long EventsRead => Interlocked.Read(ref _readTotal);
    public long EventsUndecodable => Interlocked.Read(ref _undecodableTotal);
    public long EventsWritten => Interlocked.Read(ref _writtenTotal);

    /// <summary>Undecodable events so far, by kind (an <see cref="AvroDecodeError"/> name, or <c>DecoderFailed</c>).</summary>
    public IReadOnlyDictionary<string, long> UndecodableByKind => new Dictionary<string, long>(_undecodableByKind, StringComparer.Ordinal);

    public void Read(string partition)
    {
        Interlocked.Increment(ref _readTotal);
        _read.Add(1, new KeyValuePair<string, object?>("partition", partition));
    }

    public void Undecodable(string partition, string kind)
    {
        Interlocked.Increment(ref _undecodableTotal);
        _undecodableByKind.AddOrUpdate(kind, 1, (_, n) => n + 1);
        _undecodable.Add(1, new("partition", partition), new("kind", kind));
    }

    public void Written(string hub, int count)
    {
        Interlocked.Add(ref _writtenTotal, count);
        _written.Add(count, new KeyValuePair<string, object?>("hub", hub));
    }

    public void Dispose() => _meter.Dispose();
}
