using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace Segmenter.Streaming.EventHubs.Progress;

/// <summary>
/// One Event Hubs partition as the pulling agent sees it: the Orleans provider's receiver and cache (one object,
/// <c>EventHubAdapterReceiver</c>), unchanged, with every cursor it hands out observed, so that the partition's
/// progress reaches the silo's <see cref="IPartitionProgressListener"/>s as the Kafka transport reports it: the delivered
/// watermark, stream time of the events below it only, the moment it was last caught up, the position its reader
/// started from.
/// </summary>
/// <remarks>
/// <para><b>Caught up.</b> The stock receiver adds what it reads to its own cache and hands the agent one notification
/// per event; an empty answer means the Event Hubs receive found nothing after the receiver's position while it waited.
/// So when a read that began at T comes back empty, every event the hub held at T had been read by an earlier read and
/// is in the cache, under its stream. If at the end of that read every stream's events are passed by its cursors
/// (<see cref="PartitionDeliveryLedger"/>: settled), all of them were delivered, and the partition was caught up at T.
/// Each way an event can sit in the cache unseen keeps its stream unsettled: a new stream whose registration is in
/// flight has data and no cursor (or only the registration's pin cursor, which never moves); a new consumer's cursor
/// is pending until it drains; a drained cursor whose stream got newer events in a later read (the agent restarts it
/// after the read) has not passed them; a cursor holding a container is waiting for its delivery. (The agent does not
/// even read while a registration is in flight, but nothing here relies on that.) A read that could not have looked at
/// the hub (before <c>Initialize</c>, after <c>Shutdown</c>, no room in the cache) confirms nothing.</para>
/// <para><b>Committed.</b> Event Hubs positions are checkpointed by the Orleans provider (Azure table, from cache purges
/// and at hand-over), out of this wrapper's sight. What is certain: the provider's checkpoints only move forward (its
/// numeric comparer), and this receiver started reading at the checkpoint it loaded (inclusive) or where nothing older
/// is retained, so no later reader starts below the first position this life read. That position is reported as
/// <see cref="PartitionProgress.CommittedUpTo"/>: a device whose last event lies below it can never see that event
/// again and may be forgotten; a device active since the receiver started is kept until a later reader starts past it.</para>
/// <para><b>Delivered.</b> <see cref="PartitionProgress.DeliveredUpTo"/> is the ledger's watermark over the sequence
/// numbers this life read (-1 before the first read); stream time counts only events below it. It says nothing durable:
/// nothing decides purges from it.</para>
/// </remarks>
/// <param name="receiver">The stock receiver of the partition.</param>
/// <param name="cache">The stock cache of the partition (the same object as <paramref name="receiver"/>).</param>
/// <param name="hub">The hub's name: the partitions' source in the reports.</param>
/// <param name="partition">The partition's number, as the data adapter puts it in every <c>SourcePosition</c>.</param>
/// <param name="hasConsumers">
/// Whether a stream's events are delivered to anyone: events of streams nobody consumes (undecodable events) never
/// get a cursor and must not hold the partition back.
/// </param>
/// <param name="listeners">Where the reports go.</param>
/// <param name="time">The clock of <see cref="PartitionProgress.CaughtUpAt"/> and <see cref="PartitionProgress.ObservedAt"/>.</param>
/// <param name="logger">Logs the partition's life.</param>
internal sealed partial class ProgressReportingQueue(
    IQueueAdapterReceiver receiver,
    IQueueCache cache,
    string hub,
    int partition,
    Func<StreamId, bool> hasConsumers,
    IReadOnlyList<IPartitionProgressListener> listeners,
    TimeProvider time,
    ILogger logger) : IQueueAdapterReceiver, IQueueCache
{
    private PartitionDeliveryLedger _ledger = new();
    private volatile bool _reading;


    /// <summary>The partition's accounting in this life (for tests).</summary>
    internal PartitionDeliveryLedger Ledger => _ledger;

    // ----- IQueueAdapterReceiver -----

    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    /// <summary>A new life: the stock receiver makes a new cache, so the accounting starts afresh too.</summary>
    public async Task Initialize(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!_reading)
        {
            _ledger = new PartitionDeliveryLedger();
            LogReporting(hub, partition, listeners.Count);
        }

        // As the stock receiver: once initialization began, reads go on (and retry it) even if it failed.
        _reading = true;
        await receiver.Initialize(timeout, cancellationToken);
    }

    [Obsolete("Use the overload that takes a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        var ledger = _ledger;
        var looked = _reading && maxCount > 0;
        var startedAt = time.GetUtcNow();
        var read = await receiver.GetQueueMessagesAsync(maxCount, cancellationToken);
        if (read is null || read.Count == 0)
        {
            // Only a receive that ran can say the hub had nothing more; one skipped (shut down, no room) says nothing.
            if (looked && _reading)
                ledger.ConfirmCaughtUp(startedAt);
        }
        else
        {
            foreach (var notification in read)
            {
                if (notification is null)
                    continue;
                ledger.Read(notification.SequenceToken.SequenceNumber, hasConsumers(notification.StreamId) ? notification.StreamId : null);
            }
        }

        Report(ledger);
        return read ?? [];
    }

    [Obsolete("Use the overload that takes a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        await receiver.MessagesDeliveredAsync(messages, cancellationToken);
        Report(_ledger);
    }

    public Task Shutdown(TimeSpan timeout) => Shutdown(timeout, CancellationToken.None);

    /// <summary>The partition leaves this silo: the listeners hear it first, then the stock receiver checkpoints and closes.</summary>
    public async Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var wasReading = _reading;
        _reading = false;
        if (wasReading)
        {
            foreach (var listener in listeners)
                listener.OnReleased(hub, partition);
            LogReleased(hub, partition, _ledger.DeliveredUpTo, _ledger.StreamTime, _ledger.CaughtUpAt, _ledger.StartedAt);
        }

        await receiver.Shutdown(timeout, cancellationToken);
    }

    // ----- IQueueCache -----

    public int GetMaxAddCount() => cache.GetMaxAddCount();

    public void AddToCache(IList<IBatchContainer> messages) => cache.AddToCache(messages);

    /// <summary>Called before every read, even one skipped for a full cache: the partition's progress goes out here too.</summary>
    public bool TryPurgeFromCache([MaybeNullWhen(false)] out IList<IBatchContainer> purgedItems)
    {
        var purged = cache.TryPurgeFromCache(out purgedItems);
        Report(_ledger);
        return purged;
    }

    [Obsolete("Use TryGetCacheCursor instead.")]
    public IQueueCacheCursor GetCacheCursor(StreamId streamId, StreamSequenceToken? token)
    {
        var result = TryGetCacheCursor(streamId, token);
        if (result.CacheMiss is { } miss)
            throw miss.ToException();
        return result.Cursor ?? throw new InvalidOperationException($"Unexpected cursor result: {result.Kind}.");
    }

    public QueueCacheCursorResult<IQueueCacheCursor> TryGetCacheCursor(StreamId streamId, StreamSequenceToken? token) =>
        Observe(streamId, cache.TryGetCacheCursor(streamId, token));

    public QueueCacheCursorResult<IQueueCacheCursor> TryGetCacheCursorAtPosition(StreamId streamId, StreamSubscriptionStartPosition startPosition) =>
        Observe(streamId, cache.TryGetCacheCursorAtPosition(streamId, startPosition));

    public bool IsUnderPressure() => cache.IsUnderPressure();

    /// <summary>The agent's hand-over progress: the stock receiver checkpoints from it.</summary>
    public void UpdateDeliveryProgress(StreamSequenceToken? earliestSubscriptionToken, DateTime utcNow) =>
        cache.UpdateDeliveryProgress(earliestSubscriptionToken, utcNow);

    private QueueCacheCursorResult<IQueueCacheCursor> Observe(StreamId streamId, QueueCacheCursorResult<IQueueCacheCursor> result)
    {
        if (result.Kind != QueueCacheCursorResultKind.Success || result.Cursor is not { } cursor || !hasConsumers(streamId))
            return result;
        var ledger = _ledger;
        return QueueCacheCursorResult<IQueueCacheCursor>.FromCursor(new DeliveryObservingCursor(cursor, ledger, ledger.Opened(streamId)));
    }

    private void Report(PartitionDeliveryLedger ledger)
    {
        if (listeners.Count == 0 || !_reading)
            return;
        var progress = new PartitionProgress(hub, partition, ledger.DeliveredUpTo, ledger.StreamTime, ledger.CaughtUpAt, ledger.StartedAt, time.GetUtcNow());
        foreach (var listener in listeners)
            listener.OnProgress(progress);
    }

    [LoggerMessage(LogLevel.Information, "Event Hubs {Hub}[{Partition}]: reporting its progress (delivered watermark and stream time, caught up, start position) to {Listeners} listener(s)", EventId = 2200)]
    private partial void LogReporting(string hub, int partition, int listeners);

    [LoggerMessage(LogLevel.Information, "Event Hubs {Hub}[{Partition}] released: delivered up to {DeliveredUpTo}, stream time {StreamTime}, last caught up at {CaughtUpAt}, started at sequence number {StartedAt}", EventId = 2201)]
    private partial void LogReleased(string hub, int partition, long deliveredUpTo, DateTimeOffset? streamTime, DateTimeOffset? caughtUpAt, long startedAt);
}
