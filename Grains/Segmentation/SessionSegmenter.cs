using System.Collections.Immutable;
using Segmenter.Contracts;
using Segmenter.Partitions;

namespace Segmenter.Grains.Segmentation;

/// <summary>
/// The segmentation rules of SEGMENTATION.md as a pure function of (device state, event, clock): no
/// Orleans, Kafka or Redis, no hidden clock. It mutates the state it is given (the caller owns and persists it)
/// and appends what to emit to a <see cref="SegmentationOutput"/>. Thread-compatible, stateless itself.
/// </summary>
/// <remarks>
/// Precedence when an event meets an open session: the timeout is judged first (rules 1–3: not within
/// the timeout closes it <see cref="CloseReason.TimedOut"/>), then the duration limit (rule 5,
/// <see cref="CloseReason.MaxDuration"/>), then the event's own rule.
/// </remarks>
public sealed class SessionSegmenter
{
    private readonly SegmentationOptions _options;

    public SessionSegmenter(SegmentationOptions options) => _options = (options with { }).EnsureValid();

    public SegmentationOptions Options => _options;

    /// <summary>Applies one event in arrival order (rules 1, 2, 3, 5, 6, 7).</summary>
    public ApplyOutcome Apply(DeviceState state, in IncomingEvent incoming, SegmentationOutput output)
    {
        // Rule 6, redelivery: offsets only grow within a partition, so an old position is the same record again.
        if (state.LastPosition is { } last && !incoming.Position.IsAfter(last))
        {
            state.RedeliveriesDropped++;
            output.RedeliveriesDropped++;
            return ApplyOutcome.RedeliveryDropped;
        }

        state.LastPosition = incoming.Position;
        state.LastArrival = incoming.ArrivalTime;

        // Rule 6, retry: a seq not above the last accepted one was already seen.
        var seq = incoming.Envelope.Seq;
        if (seq is { } s && state.LastSeq is { } lastSeq && s <= lastSeq)
        {
            state.DuplicatesDropped++;
            if (state.Open is { } openWhileRetried)
                openWhileRetried.DuplicatesDropped++;
            output.DuplicatesDropped++;
            return ApplyOutcome.DuplicateDropped;
        }

        if (seq is not null)
            state.LastSeq = seq;

        var eventTime = incoming.EventTime;
        var open = CloseIfExpiredOrTooLong(state, eventTime, output);

        switch (incoming.Envelope.Event)
        {
            case DeviceWokeUp:
                // Rule 1: a wake-up always opens a new session; one still open (within the timeout) is superseded.
                if (open is not null)
                    Close(state, open, CloseReason.Superseded, output);
                Join(state, OpenNew(state, incoming, eventTime, startedWithoutWakeUp: false), incoming, eventTime, output);
                break;

            case DataReceived:
                // Rule 2: joins the open session, or opens one whose wake-up was lost.
                Join(state, open ?? OpenNew(state, incoming, eventTime, startedWithoutWakeUp: true), incoming, eventTime, output);
                break;

            case AllDataReceived:
                // Rule 3: joins and completes the open session, or is a session of its own, completed at once.
                var completing = open ?? OpenNew(state, incoming, eventTime, startedWithoutWakeUp: true);
                Join(state, completing, incoming, eventTime, output);
                Close(state, completing, CloseReason.Completed, output);
                break;

            default:
                throw new ArgumentException($"Unknown device event kind '{incoming.Envelope.Event.GetType().Name}'.", nameof(incoming));
        }

        return ApplyOutcome.Accepted;
    }

    /// <summary>
    /// Rule 4 and the purge, decided from the device's state, what its partition's reader has confirmed, and the
    /// processing time. Nothing closes before the processing-time deadline (the timeout after the last event's
    /// arrival). After it, the session is over once the partition confirms, at or after that deadline, that it had
    /// delivered everything it held — or, while it has not (a backlog, a reader that died or is being taken over), once
    /// the partition's stream time (the highest event time among delivered records) is more than the timeout after the
    /// session's last event, as Kafka Streams judges it. Until then the device's next event may be waiting unread,
    /// cached, or in a partition nobody reads, and the session stays open.
    /// </summary>
    /// <remarks>
    /// Stream time alone never closes a session before its processing-time deadline: a partition's stream time is the
    /// maximum over all its devices, so a device whose clock runs behind the others' would otherwise have every session
    /// closed as soon as another device's later event was delivered — while its own next event waits in the partition.
    /// </remarks>
    public DeadlineDecision Decide(DeviceState state, PartitionClock clock, DateTimeOffset now)
    {
        if (state.Open is { } open)
        {
            var due = open.LastArrival + _options.InactivityTimeout;
            if (now < due)
                return new(DeadlineVerdict.NotDue, due);
            if (clock.CaughtUpAt is { } caughtUp && caughtUp >= due)
                return new(DeadlineVerdict.CloseNow);
            return clock.StreamTime is { } streamTime && streamTime - open.LastEventTime > _options.InactivityTimeout
                ? new(DeadlineVerdict.CloseNow)
                : new(DeadlineVerdict.WaitForCatchUp, due);
        }

        if (state.IsEmpty)
            return new(DeadlineVerdict.Nothing);
        var purgeDue = state.LastArrival + _options.PurgeAfter;
        // A purge forgets the dedupe marks: a record above the committed offset could be replayed and re-opened.
        var committed = state.LastPosition is not { } last || last.Offset < clock.CommittedUpTo;
        return now >= purgeDue && committed
            ? new(DeadlineVerdict.Purge)
            : new(DeadlineVerdict.WaitForPurge, purgeDue);
    }

    /// <summary>Rule 4: closes the open session <c>TimedOut</c> if <see cref="Decide"/> says so; true when it closed one.</summary>
    public bool CloseIfInactive(DeviceState state, PartitionClock clock, DateTimeOffset now, SegmentationOutput output)
    {
        if (state.Open is not { } open || Decide(state, clock, now).Verdict != DeadlineVerdict.CloseNow)
            return false;

        Close(state, open, CloseReason.TimedOut, output);
        return true;
    }

    /// <summary>
    /// The moments the partition's deadline scheduler must watch for a device whose timeout summary was recorded at
    /// <paramref name="recordedAt"/> but may not be published yet: due at once (any stream time passes the event-time
    /// deadline, and the processing-time one has passed), and never purged, so the scheduler wakes the device until the
    /// summary is out, even if the activation that recorded it died.
    /// </summary>
    public static DeviceDeadlines DeadlinesWithPendingSummary(DateTimeOffset recordedAt) => new(DateTimeOffset.UnixEpoch, recordedAt, null);

    /// <summary>The moments the partition's deadline scheduler must watch for this device (see <see cref="Decide"/>).</summary>
    public DeviceDeadlines Deadlines(DeviceState state) => state.Open is { } open
        ? new(open.LastEventTime + _options.InactivityTimeout, open.LastArrival + _options.InactivityTimeout, null)
        : state.IsEmpty ? default : new(null, null, state.LastArrival + _options.PurgeAfter);

    private OpenSession? CloseIfExpiredOrTooLong(DeviceState state, DateTimeOffset eventTime, SegmentationOutput output)
    {
        if (state.Open is not { } open)
            return null;

        // "Within the timeout": this event's time minus the session's latest event time <= timeout; older counts as within.
        if (eventTime - open.LastEventTime > _options.InactivityTimeout)
        {
            Close(state, open, CloseReason.TimedOut, output);
            return null;
        }

        if (_options.MaxSessionDuration is { } max && eventTime - open.Started > max)
        {
            Close(state, open, CloseReason.MaxDuration, output);
            return null;
        }

        return open;
    }

    private static OpenSession OpenNew(DeviceState state, in IncomingEvent opening, DateTimeOffset eventTime, bool startedWithoutWakeUp)
    {
        var open = new OpenSession
        {
            SessionId = SessionIds.For(state.DeviceId, opening.Position, eventTime),
            Started = eventTime,
            LastEventTime = eventTime,
            LastArrival = opening.ArrivalTime,
            StartedWithoutWakeUp = startedWithoutWakeUp,
        };
        state.Open = open;
        return open;
    }

    private void Join(DeviceState state, OpenSession open, in IncomingEvent incoming, DateTimeOffset eventTime, SegmentationOutput output)
    {
        open.EventCount++;
        open.LastArrival = incoming.ArrivalTime;
        if (eventTime < open.LastEventTime)
            open.OutOfOrder++; // Rule 7: accepted where it arrived, only counted.
        else
            open.LastEventTime = eventTime;

        if (incoming.Envelope.Event is DataReceived data)
        {
            if (!open.Metrics.TryGetValue(data.Name, out var metric) && open.Metrics.Count < _options.MaxMetricNamesPerSession)
                open.Metrics[data.Name] = metric = new MetricAccumulator();
            metric?.Add(data.Value);
        }

        output.Events.Add(new SessionEvent(open.KeyFor(state.DeviceId), incoming.Envelope, incoming.Position));
    }

    private static void Close(DeviceState state, OpenSession open, CloseReason reason, SegmentationOutput output)
    {
        var metrics = open.Metrics.Count == 0
            ? ImmutableSortedDictionary<string, MetricSummary>.Empty.WithComparers(StringComparer.Ordinal)
            : open.Metrics.ToImmutableSortedDictionary(m => m.Key, m => m.Value.ToSummary(), StringComparer.Ordinal);

        output.Summaries.Add(new SessionSummary(
            state.DeviceId, open.SessionId, open.Started, open.LastEventTime, open.EventCount, reason,
            open.StartedWithoutWakeUp, open.DuplicatesDropped, open.OutOfOrder, metrics));
        state.Open = null;
    }
}
