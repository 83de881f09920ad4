namespace Segmenter.Streaming.Kafka.Progress;

/// <summary>
/// Turns what one partition's receiver sees — records read (with their event times), the delivered watermark, and
/// samples of the broker's end offset — into the partition's stream time and the moment it was last caught up.
/// </summary>
/// <remarks>
/// <para>Stream time counts only delivered records: a record read but still waiting in the cache may hold a device's
/// next event, so its time must not close that device's session (SEGMENTATION.md rule 4). Event times are kept per
/// chunk of consecutive offsets and released into the stream time once the watermark passes the whole chunk.</para>
/// <para>"Caught up at T" needs the broker's end offset as it was at T: a sample (T, end) taken by asking the broker,
/// with T the moment before the request was sent, is released once the watermark reaches end. Records appended
/// later reached the broker after T.</para>
/// <para>Called from the partition's pulling agent and from the end-offset sampler: thread-safe.</para>
/// </remarks>
internal sealed class DeliveryProgressTracker(int chunkSize = DeliveryProgressTracker.DefaultChunkSize)
{
    public const int DefaultChunkSize = 64;

    private readonly Lock _lock = new();
    private readonly Queue<(long LastOffset, DateTimeOffset? MaxEventTime)> _chunks = new();
    private readonly Queue<(DateTimeOffset SampledAt, long End)> _endSamples = new();
    private long _openChunkLast = -1;
    private int _openChunkCount;
    private DateTimeOffset? _openChunkMax;
    private long _deliveredUpTo = -1;
    private DateTimeOffset? _streamTime;
    private DateTimeOffset? _caughtUpAt;

    /// <summary>Every offset below this was delivered; -1 before the first report.</summary>
    public long DeliveredUpTo
    {
        get
        {
            lock (_lock)
                return _deliveredUpTo;
        }
    }

    /// <summary>The highest event time among delivered records, or null.</summary>
    public DateTimeOffset? StreamTime
    {
        get
        {
            lock (_lock)
                return _streamTime;
        }
    }

    /// <summary>The latest sample moment whose end offset is delivered, or null.</summary>
    public DateTimeOffset? CaughtUpAt
    {
        get
        {
            lock (_lock)
                return _caughtUpAt;
        }
    }

    /// <summary>Samples waiting for the watermark (for tests and diagnostics).</summary>
    public int PendingSamples
    {
        get
        {
            lock (_lock)
                return _endSamples.Count;
        }
    }

    /// <summary>A record was read (offsets arrive ascending); <paramref name="eventTime"/> may be null (no time known).</summary>
    public void Read(long offset, DateTimeOffset? eventTime)
    {
        lock (_lock)
        {
            if (offset <= _openChunkLast)
                return;
            _openChunkLast = offset;
            if (eventTime is { } t && (_openChunkMax is null || t > _openChunkMax))
                _openChunkMax = t;
            if (++_openChunkCount >= chunkSize)
                CloseChunk();
        }
    }

    /// <summary>The end of a read: what was read so far forms a chunk, so it can be released as soon as it is delivered.</summary>
    public void EndOfRead()
    {
        lock (_lock)
            CloseChunk();
    }

    /// <summary>The broker's end offset (the next offset to be written) as it was at <paramref name="sampledAt"/> or later.</summary>
    public void EndSampled(DateTimeOffset sampledAt, long end)
    {
        lock (_lock)
        {
            if (end <= _deliveredUpTo || end <= 0)
            {
                Raise(ref _caughtUpAt, sampledAt);
                return;
            }

            _endSamples.Enqueue((sampledAt, end));
        }
    }

    /// <summary>Everything below <paramref name="deliveredUpTo"/> is delivered: releases chunks and samples it covers.</summary>
    public void Delivered(long deliveredUpTo)
    {
        lock (_lock)
        {
            if (deliveredUpTo <= _deliveredUpTo)
                return;
            _deliveredUpTo = deliveredUpTo;
            if (_openChunkLast >= 0 && _openChunkLast < deliveredUpTo)
                CloseChunk();
            while (_chunks.TryPeek(out var chunk) && chunk.LastOffset < deliveredUpTo)
            {
                _chunks.Dequeue();
                if (chunk.MaxEventTime is { } t)
                    Raise(ref _streamTime, t);
            }

            while (_endSamples.TryPeek(out var sample) && sample.End <= deliveredUpTo)
            {
                _endSamples.Dequeue();
                Raise(ref _caughtUpAt, sample.SampledAt);
            }
        }
    }

    private void CloseChunk()
    {
        if (_openChunkCount == 0)
            return;
        _chunks.Enqueue((_openChunkLast, _openChunkMax));
        _openChunkCount = 0;
        _openChunkMax = null;
    }

    private static void Raise(ref DateTimeOffset? field, DateTimeOffset value)
    {
        if (field is null || value > field.Value)
            field = value;
    }
}
