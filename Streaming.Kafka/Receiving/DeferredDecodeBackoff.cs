namespace Segmenter.Streaming.Kafka.Receiving;

/// <summary>
/// When a partition decodes again the records it kept after a passing decode failure (the registry cannot be reached):
/// <see cref="First"/> after the first failure, twice as long after each further one, at most <see cref="Longest"/>. The
/// pulling agent asks for records every 10 ms; without this, an outage would be hammered with a decode (and a registry
/// request) per tick and the log with a warning per tick. A failure at a later record than the last one is progress and
/// starts over at <see cref="First"/>.
/// </summary>
internal sealed class DeferredDecodeBackoff(TimeProvider time)
{
    public static readonly TimeSpan First = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(5);

    private long _startedAt;
    private long _dueAt;
    private long _offset = -1;

    /// <summary>Failed attempts at <see cref="Offset"/> so far; 0 while nothing is deferred.</summary>
    public int Failures { get; private set; }

    /// <summary>The offset decoding stopped at; -1 while nothing is deferred.</summary>
    public long Offset => _offset;

    /// <summary>How long decoding has been failing at <see cref="Offset"/>.</summary>
    public TimeSpan FailingFor => Failures == 0 ? TimeSpan.Zero : time.GetElapsedTime(_startedAt);

    /// <summary>Whether the kept records may be decoded again now.</summary>
    public bool IsDue => Failures == 0 || time.GetTimestamp() >= _dueAt;

    /// <summary>Decoding stopped at <paramref name="offset"/> for a passing reason; returns how long until the next attempt.</summary>
    public TimeSpan Failed(long offset)
    {
        var now = time.GetTimestamp();
        if (offset != _offset)
        {
            _offset = offset;
            _startedAt = now;
            Failures = 0;
        }

        Failures++;
        var delay = TimeSpan.FromTicks(Math.Min(Longest.Ticks, First.Ticks << Math.Min(Failures - 1, 16)));
        _dueAt = now + (long)(delay.TotalSeconds * time.TimestampFrequency);
        return delay;
    }

    /// <summary>Everything kept was decoded: the next failure starts over.</summary>
    public void Succeeded()
    {
        Failures = 0;
        _offset = -1;
    }
}
