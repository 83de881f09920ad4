using Orleans.Streams;

namespace Segmenter.Streaming.EventHubs.Progress;

/// <summary>
/// A cursor of the Orleans Event Hubs cache, unchanged, that tells its partition's <see cref="PartitionDeliveryLedger"/>
/// what it hands out and when it moves on: the pulling agent moves a cursor only once the delivery of what it handed
/// out returned (or was given up), so a move is the moment that container was delivered.
/// </summary>
internal sealed class DeliveryObservingCursor(IQueueCacheCursor inner, PartitionDeliveryLedger ledger, PartitionDeliveryLedger.CursorMark mark)
    : IQueueCacheCursor
{
    public IBatchContainer? GetCurrent(out Exception? exception) => inner.GetCurrent(out exception);

    [Obsolete("Use MoveNextWithResult instead.")]
    public bool MoveNext()
    {
        var result = MoveNextWithResult();
        return result.CacheMiss is { } miss ? throw miss.ToException() : result.Kind == QueueCacheCursorMoveResultKind.Success;
    }

    public QueueCacheCursorMoveResult MoveNextWithResult()
    {
        var result = inner.MoveNextWithResult();
        var current = result.Kind == QueueCacheCursorMoveResultKind.Success ? inner.GetCurrent(out _) : null;
        ledger.Moved(mark, result.Kind, current);
        return result;
    }

    public void Refresh(StreamSequenceToken token) => inner.Refresh(token);

    public void RecordDeliveryFailure() => inner.RecordDeliveryFailure();

    /// <summary>What the cursor still holds was not delivered: its stream stays unsettled until another cursor passes it.</summary>
    public void Dispose()
    {
        ledger.Closed(mark);
        inner.Dispose();
    }
}
