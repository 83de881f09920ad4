using System.Diagnostics.CodeAnalysis;
using Orleans.Runtime;
using Orleans.Streams;

namespace Segmenter.Streaming.Kafka.Cache;

/// <summary>
/// The queue cache of one partition, built for exactly-once effects: it knows, for every container it holds,
/// whether all of the stream's consumers have finished with it, and so which offset may be committed — the
/// highest offset below which everything was delivered and acknowledged by its consumers
/// (<see cref="CommittableOffset"/>). Unlike the Event Hubs cache, which evicts by age and checkpoints what it
/// evicts, nothing here is released or committed before delivery completed.
/// </summary>
/// <remarks>
/// All calls come from the partition's pulling agent, one at a time, except <see cref="CommittableOffset"/>
/// and the statistics, which are read by the receiver on the same agent. Not thread-safe by design.
/// <para>A disposed cursor keeps holding back the commit until the next purge: when the agent shuts down it
/// disposes every cursor and then shuts the receiver down, whose final commit must not count undelivered
/// containers as done. During normal operation, disposal (an unsubscribe, the pin cursor of a new stream)
/// is released by the next purge, a pump cycle later.</para>
/// </remarks>
internal sealed class DeliveryTrackingCache(int maxEvents, TimeProvider? time = null) : IQueueCache
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Queue<CacheEntry> _entries = new();
    private readonly Dictionary<StreamId, StreamEntries> _streams = [];
    private readonly List<DeliveryTrackingCursor> _disposedCursors = [];
    private long _nextSeq;
    private long _highestOffsetRead = -1;
    private long _commitCap = long.MaxValue;

    /// <summary>Events held (read, not yet fully delivered).</summary>
    public int EventCount { get; private set; }

    public int ContainerCount => _entries.Count;

    /// <summary>Streams with cached data or live cursors.</summary>
    public int StreamCount => _streams.Count;

    /// <summary>
    /// The highest offset O such that every record at or below O was delivered to all its consumers (or had none,
    /// or was dead-lettered): committing O + 1 replays nothing that was done and skips nothing that was not.
    /// -1 when nothing qualifies yet.
    /// </summary>
    public long CommittableOffset => Committable(requireClaim: false);

    /// <summary>
    /// <see cref="CommittableOffset"/> for the final commit of a hand-over: it also stops before a container that no
    /// cursor ever claimed. An agent that stops between taking a read into the cache and registering its new streams
    /// leaves such containers behind; while running, the agent registers them in the same turn, so the two agree.
    /// </summary>
    public long HandoverOffset => Committable(requireClaim: true);

    /// <summary>When the oldest container still held was taken into the cache; null when none is held.</summary>
    public DateTimeOffset? OldestPendingSince => _entries.TryPeek(out var oldest) ? oldest.AddedAt : null;

    /// <summary>True once a container was given up on: nothing at or after it is committed until restart.</summary>
    public bool HasDeliveryFailure => _commitCap != long.MaxValue;

    /// <summary>
    /// Records that every record up to <paramref name="offset"/> was read, including records that produced no
    /// container (dead-lettered, or of no stream), so they do not hold back the commit.
    /// </summary>
    public void MarkReadUpTo(long offset) => _highestOffsetRead = Math.Max(_highestOffsetRead, offset);

    /// <summary>Never limits a single read: backpressure is <see cref="IsUnderPressure"/>, checked after each purge.</summary>
    public int GetMaxAddCount() => QueueAdapterConstants.UNLIMITED_GET_QUEUE_MSG;

    public bool IsUnderPressure() => EventCount >= maxEvents;

    /// <remarks>
    /// The records a read handled without a container (dead-lettered, or of no stream) ride on its last container
    /// (<see cref="KafkaBatchContainer.ReadThrough"/>): they count as read only once the agent took the read, so a read
    /// the agent drops while it stops can never be committed past.
    /// </remarks>
    public void AddToCache(IList<IBatchContainer> messages)
    {
        var now = _time.GetUtcNow();
        foreach (var message in messages)
        {
            var container = (KafkaBatchContainer)message;
            var stream = StreamOf(container.StreamId);
            var entry = new CacheEntry(container, _nextSeq++, stream, now) { Claimed = stream.Cursors.Exists(c => !c.IsDisposed) };
            stream.Append(entry);
            _entries.Enqueue(entry);
            EventCount += container.Events.Length;
            _highestOffsetRead = Math.Max(_highestOffsetRead, Math.Max(container.LastOffset, container.ReadThrough));
        }
    }

    /// <summary>Releases the containers every consumer is done with. Always true, so the receiver gets a commit tick.</summary>
    public bool TryPurgeFromCache([MaybeNullWhen(false)] out IList<IBatchContainer> purgedItems)
    {
        foreach (var cursor in _disposedCursors)
        {
            cursor.Stream.Cursors.Remove(cursor);
            ForgetIfIdle(cursor.Stream);
        }

        _disposedCursors.Clear();

        var purged = new List<IBatchContainer>();
        while (_entries.TryPeek(out var oldest) && IsDone(oldest))
        {
            _entries.Dequeue();
            oldest.Stream.RemoveHead(oldest);
            EventCount -= oldest.Container.Events.Length;
            ForgetIfIdle(oldest.Stream);
            purged.Add(oldest.Container);
        }

        purgedItems = purged;
        return true;
    }

    [Obsolete("Use TryGetCacheCursor instead.")]
    public IQueueCacheCursor GetCacheCursor(StreamId streamId, StreamSequenceToken? token) => CreateCursor(streamId, token);

    public QueueCacheCursorResult<IQueueCacheCursor> TryGetCacheCursor(StreamId streamId, StreamSequenceToken? token) =>
        QueueCacheCursorResult<IQueueCacheCursor>.FromCursor(CreateCursor(streamId, token));

    public QueueCacheCursorResult<IQueueCacheCursor> TryGetCacheCursorAtPosition(StreamId streamId, StreamSubscriptionStartPosition startPosition) =>
        startPosition == StreamSubscriptionStartPosition.Latest
            ? TryGetCacheCursor(streamId, null)
            : QueueCacheCursorResult<IQueueCacheCursor>.NotSupported;

    /// <summary>Delivery progress comes from the cursors themselves; the agent's summary adds nothing.</summary>
    public void UpdateDeliveryProgress(StreamSequenceToken? earliestSubscriptionToken, DateTime utcNow)
    {
    }

    internal void OnCursorDisposed(DeliveryTrackingCursor cursor) => _disposedCursors.Add(cursor);

    internal void RecordDeliveryFailure(CacheEntry failed) =>
        _commitCap = Math.Min(_commitCap, failed.Container.FirstOffset - 1);

    private DeliveryTrackingCursor CreateCursor(StreamId streamId, StreamSequenceToken? token)
    {
        var stream = StreamOf(streamId);
        // Null token: from now on. A token: from the first container holding an event at or after it.
        var start = token is null
            ? _nextSeq
            : FirstHolding(stream, token.SequenceNumber)?.Seq ?? _nextSeq;
        var cursor = new DeliveryTrackingCursor(this, stream, start);
        stream.Cursors.Add(cursor);
        for (var entry = stream.FirstFrom(start); entry is not null; entry = entry.NextInStream)
            entry.Claimed = true;
        return cursor;
    }

    private long Committable(bool requireClaim)
    {
        // Entries done but not yet purged count as delivered (at shutdown no purge runs after the last delivery).
        // After a purge the oldest entry is not done, so this loop usually stops at once.
        var delivered = _highestOffsetRead;
        foreach (var entry in _entries)
        {
            if (!IsDone(entry) || (requireClaim && !entry.Claimed))
            {
                delivered = entry.Container.FirstOffset - 1;
                break;
            }
        }

        return Math.Min(delivered, _commitCap);
    }

    private static CacheEntry? FirstHolding(StreamEntries stream, long offset)
    {
        var entry = stream.Head;
        while (entry is not null && entry.Container.LastOffset < offset)
            entry = entry.NextInStream;
        return entry;
    }

    private static bool IsDone(CacheEntry entry)
    {
        foreach (var cursor in entry.Stream.Cursors)
        {
            if (cursor.PendingFrom <= entry.Seq)
                return false;
        }

        return true;
    }

    private StreamEntries StreamOf(StreamId streamId)
    {
        if (!_streams.TryGetValue(streamId, out var stream))
            _streams[streamId] = stream = new StreamEntries(streamId);
        return stream;
    }

    private void ForgetIfIdle(StreamEntries stream)
    {
        if (stream.IsIdle)
            _streams.Remove(stream.StreamId);
    }
}
