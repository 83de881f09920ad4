using Segmenter.Contracts;

namespace Segmenter.Tests.Oracle;

/// <summary>
/// What SEGMENTATION.md says must come out, for pipeline tests: a small model of the rules written from the contract's
/// text, independently of <c>SessionSegmenter</c> (no code shared with it), so a mistake in the engine cannot hide by
/// also being the expectation. It judges time by event time only (rule 4's processing-time timeout never fires while
/// events keep coming), and every session still open at the end times out, as it eventually does.
/// </summary>
internal sealed class SessionOracle(TimeSpan timeout, TimeSpan? maxDuration = null)
{
    private readonly Dictionary<string, DeviceModel> _devices = new(StringComparer.Ordinal);
    private readonly List<ExpectedSession> _closed = [];

    /// <summary>One record of a device, in the order its partition holds it.</summary>
    public void Add(string device, Envelope envelope, SourcePosition position)
    {
        if (!_devices.TryGetValue(device, out var model))
            _devices[device] = model = new DeviceModel(device);

        // Rule 6: the same record again (by position) changes nothing; a seq not above the last accepted is a retry.
        if (model.LastPosition is { } last && last.Partition == position.Partition && position.Offset <= last.Offset)
            return;
        model.LastPosition = position;
        if (envelope.Seq is { } seq && model.LastSeq is { } lastSeq && seq <= lastSeq)
        {
            if (model.Open is not null)
                model.Open.Duplicates++;
            return;
        }

        if (envelope.Seq is not null)
            model.LastSeq = envelope.Seq;

        var time = envelope.Timestamp;
        if (model.Open is { } open)
        {
            if (time - open.Latest > timeout)
                Close(model, CloseReason.TimedOut); // rules 1-3: not within the timeout
            else if (maxDuration is { } max && time - open.Started > max)
                Close(model, CloseReason.MaxDuration); // rule 5
        }

        switch (envelope.Event)
        {
            case DeviceWokeUp:
                if (model.Open is not null)
                    Close(model, CloseReason.Superseded);
                model.Open = new OpenModel(device, time, withoutWakeUp: false);
                model.Open.Join(envelope, position);
                break;
            case DataReceived:
                model.Open ??= new OpenModel(device, time, withoutWakeUp: true);
                model.Open.Join(envelope, position);
                break;
            case AllDataReceived:
                model.Open ??= new OpenModel(device, time, withoutWakeUp: true);
                model.Open.Join(envelope, position);
                Close(model, CloseReason.Completed);
                break;
        }
    }

    /// <summary>
    /// Every session, ordered by device and first record; the ones still open closed <c>TimedOut</c>, as they eventually
    /// are, or (<paramref name="closeOpen"/> false, when the timeout is longer than the test) left open: records only.
    /// </summary>
    public IReadOnlyList<ExpectedSession> Sessions(bool closeOpen = true)
    {
        var all = new List<ExpectedSession>(_closed);
        all.AddRange(_devices.Values.Where(d => d.Open is not null).Select(d => closeOpen
            ? d.Open!.ToExpected(CloseReason.TimedOut)
            : ExpectedSession.StillOpen(d.Id, d.Open!.Records)));
        return [.. all.OrderBy(s => s.DeviceId, StringComparer.Ordinal).ThenBy(s => s.Records[0])];
    }

    private void Close(DeviceModel model, CloseReason reason)
    {
        _closed.Add(model.Open!.ToExpected(reason));
        model.Open = null;
    }

    private sealed class DeviceModel(string id)
    {
        public string Id { get; } = id;
        public SourcePosition? LastPosition { get; set; }
        public long? LastSeq { get; set; }
        public OpenModel? Open { get; set; }
    }

    private sealed class OpenModel(string device, DateTimeOffset started, bool withoutWakeUp)
    {
        private readonly List<SourcePosition> _records = [];
        private long _outOfOrder;

        public IReadOnlyList<SourcePosition> Records => _records;

        public DateTimeOffset Started { get; } = started;
        public DateTimeOffset Latest { get; private set; } = started;
        public long Duplicates { get; set; }

        public void Join(Envelope envelope, SourcePosition position)
        {
            _records.Add(position);
            if (envelope.Timestamp < Latest)
                _outOfOrder++; // rule 7: accepted where it arrived
            else
                Latest = envelope.Timestamp;
        }

        public ExpectedSession ToExpected(CloseReason reason) =>
            new(device, [.. _records], reason, withoutWakeUp, Started, Latest, Duplicates, _outOfOrder);
    }
}

/// <summary>A session as the contract says it must be: its records (by source position, in order) and its summary's figures.</summary>
internal sealed record ExpectedSession(
    string DeviceId,
    IReadOnlyList<SourcePosition> Records,
    CloseReason Reason,
    bool StartedWithoutWakeUp,
    DateTimeOffset Started,
    DateTimeOffset Ended,
    long DuplicatesDropped,
    long OutOfOrder)
{
    /// <summary>The reason of a session that is still open (no summary yet).</summary>
    public const CloseReason Open = (CloseReason)(-1);

    public bool IsOpen => Reason == Open;

    /// <summary>A session without a summary yet: only its records count.</summary>
    public static ExpectedSession StillOpen(string device, IReadOnlyList<SourcePosition> records) => new(device, [.. records], Open, false, default, default, 0, 0);

    public override string ToString() =>
        $"{DeviceId} [{string.Join(' ', Records)}] {Reason} wake-up-lost={StartedWithoutWakeUp} {Started:HH:mm:ss.fff}..{Ended:HH:mm:ss.fff} dup={DuplicatesDropped} ooo={OutOfOrder}";
}
