using Orleans.Streams;

namespace Segmenter.Streaming.Kafka.Cache;

/// <summary>
/// A consumer's position in one stream of the cache. It holds back the commit of the container it returned until
/// it moves past it: the pulling agent moves a cursor only after the consumer's <c>OnNextAsync</c> returned (with
/// <c>BatchContainerBatchSize = 1</c>), so "moved past" means "delivered".
/// </summary>
internal sealed class DeliveryTrackingCursor(DeliveryTrackingCache cache, StreamEntries stream, long nextSeq) : IQueueCacheCursor
{
    private CacheEntry? _current;
    private long _nextSeq = nextSeq;

    public StreamEntries Stream { get; } = stream;

    public bool IsDisposed { get; private set; }

    /// <summary>The oldest entry this cursor still has to deliver (or is delivering).</summary>
    public long PendingFrom => _current?.Seq ?? _nextSeq;

    public IBatchContainer? GetCurrent(out Exception? exception)
    {
        exception = null;
        return _current?.Container;
    }

    [Obsolete("Use MoveNextWithResult instead.")]
    public bool MoveNext() => MoveNextWithResult().Kind == QueueCacheCursorMoveResultKind.Success;

    public QueueCacheCursorMoveResult MoveNextWithResult()
    {
        var next = _current is not null ? _current.NextInStream : Stream.FirstFrom(_nextSeq);
        if (_current is not null)
            _nextSeq = _current.Seq + 1;
        _current = next;
        if (next is null)
            return QueueCacheCursorMoveResult.NoData;

        _nextSeq = next.Seq + 1;
        return QueueCacheCursorMoveResult.Success;
    }

    /// <summary>New data for the stream is found by sequence on the next move; nothing to do.</summary>
    public void Refresh(StreamSequenceToken token)
    {
    }

    /// <summary>The agent gave up delivering the current container: it must never be committed past.</summary>
    public void RecordDeliveryFailure()
    {
        if (_current is { } failed)
            cache.RecordDeliveryFailure(failed);
    }

    public void Dispose()
    {
        if (IsDisposed)
            return;
        IsDisposed = true;
        cache.OnCursorDisposed(this);
    }
}
