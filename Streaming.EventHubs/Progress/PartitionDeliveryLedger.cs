using Orleans.Runtime;
using Orleans.Streams;

namespace Segmenter.Streaming.EventHubs.Progress;

/// <summary>
/// What one Event Hubs partition's cache took in and what its cursors have passed, during one life of its receiver
/// (from <c>Initialize</c> to <c>Shutdown</c>): the partition's delivered watermark and stream time, the moment it was
/// last caught up, and the position the receiver started from.
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
/// <para><b>Watermark and stream time.</b> An event is delivered once its stream's cursors have passed its position
/// (a stream's cursor moves in position order, so passing q passes everything of the stream up to q); an event of a
/// stream nobody consumes is delivered as soon as it is read. The delivered watermark is the lowest position read
/// whose event is not delivered (one past the last read when there is none): every event this life read below it was
/// delivered. Stream time is the highest event time among the events below the watermark, never merely among passed
/// ones: while device A's next event waits in the cache (its grain is slow, its delivery was cut short, its stream is
/// not yet claimed), later events of other devices may be delivered, but their times must not close A's session
/// (SEGMENTATION.md rule 4), so they count only once A's event is delivered too. An event's time is known when its
/// cursor hands it out; it is kept until the watermark passes its position. The first delivery of a position is the
/// one that counts: a redelivery (a new cursor from an earlier token) or an event the agent skipped adds no time, which
/// can only hold stream time back.</para>
/// <para>All calls come from the partition's pulling agent, one at a time; the lock only keeps reports consistent for
/// readers on other threads.</para>
/// </remarks>
internal sealed class PartitionDeliveryLedger
{
    private readonly Lock _lock = new();
    private readonly Dictionary<StreamId, StreamRecord> _streams = [];
    private readonly HashSet<StreamRecord> _unsettled = [];
    private readonly Queue<Span> _spans = new();
    private readonly Dictionary<long, DateTimeOffset> _firstPassTimes = [];
    private int _spansAfterCompaction;
    private long _startedAt = -1;
    private long _lastRead = -1;
    private long _deliveredUpTo = -1;
    private DateTimeOffset? _streamTime;
    private DateTimeOffset? _caughtUpAt;

    /// <summary>
    /// The lowest position read in this life whose event is not delivered, or one past the last position read when all
    /// are: every event read below it was delivered. -1 before the first read.
    /// </summary>
    public long DeliveredUpTo
    {
        get
        {
            lock (_lock)
                return _deliveredUpTo;
        }
    }

    /// <summary>The highest event time among the delivered events below <see cref="DeliveredUpTo"/>, or null.</summary>
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

    /// <summary>How many runs of positions at or above the watermark are tracked (for tests and diagnostics: memory).</summary>
    public int TrackedSpans
    {
        get
        {
            lock (_lock)
                return _spans.Count;
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

    /// <summary>
    /// A read put the event at <paramref name="sequenceNumber"/> in the cache (the first one read is where the receiver
    /// started). <paramref name="consumed"/> is its stream when someone consumes it, null when no one does (an
    /// undecodable event: nothing will deliver it, so it never holds the watermark back).
    /// </summary>
    public void Read(long sequenceNumber, StreamId? consumed)
    {
        lock (_lock)
        {
            // Positions arrive ascending within a life; one seen again adds nothing.
            if (sequenceNumber <= _lastRead)
                return;
            if (_startedAt < 0)
                _startedAt = sequenceNumber;
            _lastRead = sequenceNumber;
            StreamRecord? record = null;
            if (consumed is { } stream)
            {
                record = RecordOf(stream);
                record.Added = sequenceNumber;
                Settle(record);
            }

            _spans.Enqueue(new Span(sequenceNumber, sequenceNumber, record, null));
            Advance();
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
                var position = held.SequenceToken.SequenceNumber;
                // Only a first delivery brings a time: a position already passed (redelivered) is at or below one whose
                // time was kept, or was skipped, and may already be folded into a delivered span.
                if (position > record.Passed && held is DeviceInputBatchContainer { EventTime: { } time })
                    KeepTime(position, time);
                Pass(cursor, position);
            }

            if (result == QueueCacheCursorMoveResultKind.Success && current is not null)
                cursor.Holding = current;
            else if (result == QueueCacheCursorMoveResultKind.NoData)
                Pass(cursor, record.Added); // the Orleans cache answers NoData only at its newest event
            Settle(record);
            Advance();
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
            // Every stream settled implies the watermark is at the end; both are checked, so neither can claim alone.
            if (_unsettled.Count > 0 || _spans.Count > 0)
                return false;
            if (_caughtUpAt is null || readStartedAt > _caughtUpAt)
                _caughtUpAt = readStartedAt;
            return true;
        }
    }

    private void KeepTime(long position, DateTimeOffset time)
    {
        // Below the watermark the span is gone already (an event read while its stream had no consumer, delivered by a
        // cursor opened later): it is delivered and so is everything below it, so its time counts at once, and keeping
        // it would keep it forever.
        if (position < _deliveredUpTo)
        {
            Raise(ref _streamTime, time);
            return;
        }

        if (!_firstPassTimes.TryGetValue(position, out var kept) || time > kept)
            _firstPassTimes[position] = time;
    }

    /// <summary>Moves the watermark past every delivered span at its head, releasing their times into stream time.</summary>
    private void Advance()
    {
        while (_spans.TryPeek(out var head) && head.IsDelivered)
        {
            _spans.Dequeue();
            if (TimeOf(head) is { } time)
                Raise(ref _streamTime, time);
        }

        _deliveredUpTo = _spans.TryPeek(out var first) ? first.First : _lastRead + 1;

        // While an early event waits, later ones pile up behind it; most of them are delivered and need only their
        // time until the watermark passes them. Folding runs of delivered spans keeps memory to the undelivered events
        // (a stream that is never delivered again would otherwise grow the queue with every read), amortized O(1).
        if (_spans.Count > Math.Max(MinSpansBeforeCompaction, 2 * _spansAfterCompaction))
            Compact();
    }

    private void Compact()
    {
        var count = _spans.Count;
        Span? run = null;
        for (var i = 0; i < count; i++)
        {
            var span = _spans.Dequeue();
            if (!span.IsDelivered)
            {
                if (run is { } folded)
                    _spans.Enqueue(folded);
                run = null;
                _spans.Enqueue(span);
                continue;
            }

            var time = TimeOf(span);
            run = run is { } open
                ? open with { Last = span.Last, Time = Later(open.Time, time) }
                : new Span(span.First, span.Last, null, time);
        }

        if (run is { } last)
            _spans.Enqueue(last);
        _spansAfterCompaction = _spans.Count;
    }

    /// <summary>The span's kept time (a single position's first delivery, or a folded run's), taken out of the keeping.</summary>
    private DateTimeOffset? TimeOf(Span span)
    {
        if (span.First == span.Last && _firstPassTimes.Remove(span.First, out var kept))
            return Later(span.Time, kept);
        return span.Time;
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;

    private static void Raise(ref DateTimeOffset? field, DateTimeOffset value)
    {
        if (field is null || value > field.Value)
            field = value;
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

    /// <summary>Fewest tracked spans before folding is tried (below this the queue is small anyway).</summary>
    private const int MinSpansBeforeCompaction = 1_024;

    /// <summary>
    /// Positions <see cref="First"/> to <see cref="Last"/> in read order: one event of <see cref="Stream"/> (null: no one
    /// consumes it), or a folded run of delivered events with the highest time among them.
    /// </summary>
    private readonly record struct Span(long First, long Last, StreamRecord? Stream, DateTimeOffset? Time)
    {
        /// <summary>Passing is monotone (a stream's <see cref="StreamRecord.Passed"/> only grows), so once true this stays true.</summary>
        public bool IsDelivered => Stream is not { } stream || stream.Passed >= Last;
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
