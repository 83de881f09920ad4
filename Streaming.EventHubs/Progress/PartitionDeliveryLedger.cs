using Orleans.Runtime;
using Orleans.Streams;

namespace Segmenter.Streaming.EventHubs.Progress;

/// <summary>
/// What one Event Hubs partition's cache took in and what its cursors have passed, during one life of its receiver
/// (from <c>Initialize</c> to <c>Shutdown</c>): the partition's stream time, the moment it was last caught up, and the
/// position the receiver started from.
/// </summary>
/// <remarks>
/// <para><b>Passed is delivered.</b> The pulling agent moves a consumer's cursor again only once the delivery of the
/// container the cursor handed out has returned (<c>BatchContainerBatchSize</c> 1, which the factory requires), or
/// once it gave that container up (a delivery that failed past <c>MaxEventDeliveryTime</c>: the agent goes on with
/// the next one, as the Kafka transport goes on past a dead letter). So a container counts as delivered when its
/// cursor moves again, never when it is handed out; a cursor disposed while it holds one (a re-handshake, the stream
/// going away, shutdown) has not delivered it.</para>
/// <para><b>Settled streams.</b> The cache's data for a stream is settled when some cursor has passed the newest
/// event the cache took in for it, and every live cursor of the stream is settled: it holds nothing and has passed, or
/// reached the stream's end (<c>NoData</c>: the Orleans cache scans to its newest event) after, that newest event. A
/// stream with data and no cursor is not settled (a new stream whose registration is in flight); neither is one whose
/// cursor drained before the read that brought its newest event (an inactive cursor the agent restarts after the
/// read), nor one with a cursor created but not yet moved (a registration's pin cursor, a new consumer's cursor).
/// Events the agent skips (its fallbacks after a cache miss start at a later position) count as passed: nothing will
/// ever deliver them, and a decision taken as if they never existed is not undone by a later delivery.</para>
/// <para>All calls come from the partition's pulling agent, one at a time; the lock only keeps reports consistent for
/// readers on other threads.</para>
/// </remarks>
internal sealed class PartitionDeliveryLedger
{
    private readonly Lock _lock = new();
    private readonly Dictionary<StreamId, StreamRecord> _streams = [];
    private readonly HashSet<StreamRecord> _unsettled = [];
    private long _startedAt = -1;
    private DateTimeOffset? _streamTime;
    private DateTimeOffset? _caughtUpAt;

    /// <summary>The highest event time among passed containers, or null.</summary>
    public DateTimeOffset? StreamTime
    {
        get
        {
            lock (_lock)
                return _streamTime;
        }
    }

    /// <summary>The latest confirmed moment at which the cache's every tracked event had been passed, or null.</summary>
    public DateTimeOffset? CaughtUpAt
    {
        get
        {
            lock (_lock)
                return _caughtUpAt;
        }
    }

    /// <summary>The sequence number of the first event this life read (where the receiver started), or -1 before it.</summary>
    public long StartedAt
    {
        get
        {
            lock (_lock)
                return _startedAt;
        }
    }

    /// <summary>How many streams have events in the cache that are not yet passed (for tests and diagnostics).</summary>
    public int UnsettledStreams
    {
        get
        {
            lock (_lock)
                return _unsettled.Count;
        }
    }

    /// <summary>A read put an event in the cache (any stream: the first one read is where the receiver started).</summary>
    public void Read(long sequenceNumber)
    {
        lock (_lock)
        {
            if (_startedAt < 0)
                _startedAt = sequenceNumber;
        }
    }

    /// <summary>A read put an event of <paramref name="stream"/>, a stream with consumers, in the cache.</summary>
    public void Added(StreamId stream, long sequenceNumber)
    {
        lock (_lock)
        {
            var record = RecordOf(stream);
            if (sequenceNumber > record.Added)
                record.Added = sequenceNumber;
            Settle(record);
        }
    }

    /// <summary>The agent got a cursor on <paramref name="stream"/>: until it moves, the cursor is pending.</summary>
    public CursorMark Opened(StreamId stream)
    {
        lock (_lock)
        {
            var record = RecordOf(stream);
            var cursor = new CursorMark(record);
            record.Cursors.Add(cursor);
            Settle(record);
            return cursor;
        }
    }

    /// <summary>
    /// The agent moved <paramref name="cursor"/>: what it held before is passed; <paramref name="current"/> is what it
    /// holds now (Success), or the cursor reached the stream's end (NoData).
    /// </summary>
    public void Moved(CursorMark cursor, QueueCacheCursorMoveResultKind result, IBatchContainer? current)
    {
        lock (_lock)
        {
            if (cursor.IsClosed)
                return;
            var record = cursor.Stream;
            if (cursor.Holding is { } held)
            {
                cursor.Holding = null;
                Pass(cursor, held.SequenceToken.SequenceNumber);
                if (held is DeviceInputBatchContainer { EventTime: { } time } && (_streamTime is null || time > _streamTime))
                    _streamTime = time;
            }

            if (result == QueueCacheCursorMoveResultKind.Success && current is not null)
                cursor.Holding = current;
            else if (result == QueueCacheCursorMoveResultKind.NoData)
                Pass(cursor, record.Added); // the Orleans cache answers NoData only at its newest event
            Settle(record);
        }
    }

    /// <summary>
    /// The agent disposed <paramref name="cursor"/>. What it still held was not delivered (a delivery cut short by a new
    /// handshake or by shutdown): unless another cursor passes it, its stream stays unsettled.
    /// </summary>
    public void Closed(CursorMark cursor)
    {
        lock (_lock)
        {
            if (cursor.IsClosed)
                return;
            cursor.IsClosed = true;
            cursor.Holding = null;
            cursor.Stream.Cursors.Remove(cursor);
            Settle(cursor.Stream);
        }
    }

    /// <summary>
    /// A read that began at <paramref name="readStartedAt"/> found nothing more in the hub: if every event the cache took
    /// in is passed, everything the hub held at that moment was delivered, and the partition was caught up then.
    /// </summary>
    /// <returns>Whether the partition was caught up.</returns>
    public bool ConfirmCaughtUp(DateTimeOffset readStartedAt)
    {
        lock (_lock)
        {
            if (_unsettled.Count > 0)
                return false;
            if (_caughtUpAt is null || readStartedAt > _caughtUpAt)
                _caughtUpAt = readStartedAt;
            return true;
        }
    }

    private StreamRecord RecordOf(StreamId stream)
    {
        if (!_streams.TryGetValue(stream, out var record))
            _streams[stream] = record = new StreamRecord(stream);
        return record;
    }

    private static void Pass(CursorMark cursor, long sequenceNumber)
    {
        if (sequenceNumber > cursor.PassedUpTo)
            cursor.PassedUpTo = sequenceNumber;
        if (sequenceNumber > cursor.Stream.Passed)
            cursor.Stream.Passed = sequenceNumber;
    }

    private void Settle(StreamRecord record)
    {
        var settled = record.Passed >= record.Added
            && record.Cursors.TrueForAll(c => c.Holding is null && c.PassedUpTo >= record.Added);
        if (!settled)
        {
            _unsettled.Add(record);
            return;
        }

        _unsettled.Remove(record);

        // Nothing left to wait for: a later event of the stream starts a new record, unsettled until it is passed.
        if (record.Cursors.Count == 0)
            _streams.Remove(record.Id);
    }

    /// <summary>One stream's events in the cache: the newest taken in, the newest passed, the live cursors.</summary>
    internal sealed class StreamRecord(StreamId id)
    {
        public StreamId Id { get; } = id;
        public long Added { get; set; } = -1;
        public long Passed { get; set; } = -1;
        public List<CursorMark> Cursors { get; } = [];
    }

    /// <summary>Where one cursor stands: what it holds (handed out, not yet delivered) and what it has passed.</summary>
    internal sealed class CursorMark
    {
        internal CursorMark(StreamRecord stream) => Stream = stream;

        internal StreamRecord Stream { get; }
        internal IBatchContainer? Holding { get; set; }
        internal long PassedUpTo { get; set; } = -1;
        internal bool IsClosed { get; set; }
    }
}
