using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;
using Segmenter.Contracts;
using Segmenter.Grains.Hosting;
using Segmenter.Grains.Partitions;
using Segmenter.Grains.Persistence;
using Segmenter.Grains.Segmentation;
using Segmenter.Partitions;

namespace Segmenter.Grains;

/// <summary>
/// One device's sessions. A thin shell around <see cref="SessionSegmenter"/>: it feeds it the events its implicit
/// subscription delivers, publishes the results, persists the state, and schedules timeout and purge.
/// </summary>
/// <remarks>
/// Per delivered batch (all events of the device in one read of its partition): apply the batch to a copy of the
/// state; publish the outputs and wait for Kafka's acknowledgement; register the reminder if this is the device's
/// first state; write the state once; only then return, so that the input offset is committed only after both the
/// outputs and the state reflecting them are durable. A crash in between replays the batch: the outputs come again
/// with the same session ids (downstream dedupe) and the state ends the same. If any step fails, the copy is
/// dropped and the activation ends, so the agent's retry starts from the durable state.
/// </remarks>
[ImplicitStreamSubscription(StreamNamespaces.Events)]
public sealed partial class DeviceSessionGrain(
    [PersistentState("device", SegmenterOptions.StorageName)] IPersistentState<PersistedDeviceState> storage,
    SessionSegmenter segmenter,
    PartitionClocks clocks,
    IOptions<SegmenterOptions> options,
    TimeProvider time,
    ILogger<DeviceSessionGrain> logger)
    : Grain, IDeviceSessionGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<DeviceInput>, IRemindable
{
    public const string ReminderName = "session-deadlines";

    /// <summary>How soon a timeout is checked again while the clock of the device's partition is unknown.</summary>
    private static readonly TimeSpan LaggingRecheck = TimeSpan.FromSeconds(1);

    private readonly SegmenterOptions _options = options.Value;
    private readonly SegmentationOutput _output = new();
    private readonly ILogger _logger = logger;
    private DeviceState _device = null!;
    private bool _reminderRegistered;
    private bool _deferredByLag;
    private bool _partitionClockKnown;
    private DateTimeOffset? _timerDueAt;
    private DateTimeOffset? _clockMissingSince;
    private IGrainTimer? _timer;
    private IAsyncStream<SessionEvent>? _sessionEvents;
    private IAsyncStream<SessionSummary>? _sessions;

    private string DeviceId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _device = storage.RecordExists ? storage.State.ToEngine(DeviceId) : new DeviceState { DeviceId = DeviceId };
        _reminderRegistered = storage.RecordExists && storage.State.ReminderRegistered;
        ScheduleDeadline();
        return Task.CompletedTask;
    }

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<DeviceInput>().ResumeAsync(this);

    public async Task OnNextAsync(IList<SequentialItem<DeviceInput>> items)
    {
        var now = time.GetUtcNow();
        _deferredByLag = false; // an event moves the deadline: processing time first, the clock is asked when it passes
        var work = _device.Clone();
        _output.Clear();
        var changed = false;
        foreach (var item in items)
        {
            var input = item.Item;
            var outcome = segmenter.Apply(work, new IncomingEvent(input.Envelope, input.Source, now, input.RecordTimestamp), _output);
            changed |= outcome != ApplyOutcome.RedeliveryDropped;
        }

        if (_output.RedeliveriesDropped > 0)
            LogRedeliveries(DeviceId, _output.RedeliveriesDropped);
        if (changed)
            await CommitAsync(work);
    }

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(ex, DeviceId);
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => CheckDeadlinesAsync(fromReminder: true);

    public Task CheckDeadlines() => CheckDeadlinesAsync(fromReminder: false);

    public Task<SessionSnapshot?> GetOpenSession() => Task.FromResult(_device.Open is { } open ? Snapshot(open) : null);

    public Task<DeviceSnapshot?> GetSnapshot() => Task.FromResult(_device.IsEmpty
        ? null
        : new DeviceSnapshot(DeviceId, _device.Open is { } open ? Snapshot(open) : null, _device.LastSeq, _device.LastPosition,
            _device.DuplicatesDropped, _device.RedeliveriesDropped, _reminderRegistered));

    /// <summary>Publishes, registers the reminder once, persists; keeps <paramref name="work"/> only if all of it succeeded.</summary>
    private async Task CommitAsync(DeviceState work)
    {
        try
        {
            await PublishAsync();
            if (!_reminderRegistered)
            {
                await this.RegisterOrUpdateReminder(ReminderName, _options.ReminderPeriod, _options.ReminderPeriod);
                _reminderRegistered = true;
            }

            storage.State = PersistedDeviceState.From(work, _reminderRegistered);
            await storage.WriteStateAsync();
            _device = work;
        }
        catch (Exception e)
        {
            // The durable state is the truth: end this activation so the retry reads it afresh.
            LogCommitFailed(e, DeviceId);
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            _output.Clear();
        }

        ScheduleDeadline();
    }

    private Task PublishAsync()
    {
        if (_output.IsEmpty)
            return Task.CompletedTask;
        var provider = this.GetStreamProvider(SegmenterOptions.StreamProvider);
        _sessionEvents ??= provider.GetStream<SessionEvent>(StreamNamespaces.SessionEvents, DeviceId);
        _sessions ??= provider.GetStream<SessionSummary>(StreamNamespaces.Sessions, DeviceId);
        var events = _output.Events.Count > 0 ? _sessionEvents.OnNextBatchAsync([.. _output.Events]) : Task.CompletedTask;
        var summaries = _output.Summaries.Count > 0 ? _sessions.OnNextBatchAsync([.. _output.Summaries]) : Task.CompletedTask;
        return Task.WhenAll(events, summaries);
    }

    /// <summary>Rule 4 and the purge: run by the timer while active, by the reminder otherwise (or after a crash).</summary>
    private async Task CheckDeadlinesAsync(bool fromReminder)
    {
        var now = time.GetUtcNow();
        if (_device.Open is not null)
        {
            var clock = StreamClockAt(now);
            _deferredByLag = clock.LaggingStreamTime is not null;
            _partitionClockKnown = clock.LaggingStreamTime != DateTimeOffset.MinValue;
            var work = _device.Clone();
            _output.Clear();
            if (segmenter.CloseIfInactive(work, clock, _output))
            {
                _deferredByLag = false;
                LogTimedOut(DeviceId, work.LastPosition, fromReminder);
                await CommitAsync(work);
            }
        }

        if (_device.IsEmpty || segmenter.IsPurgeable(_device, now))
            await PurgeAsync();
        else
            ScheduleDeadline();
    }

    /// <summary>Forgets the device: no Redis key, no reminder, no activation.</summary>
    private async Task PurgeAsync()
    {
        if (storage.RecordExists)
            await storage.ClearStateAsync();
        if (_reminderRegistered || await this.GetReminder(ReminderName) is not null)
        {
            if (await this.GetReminder(ReminderName) is { } reminder)
                await this.UnregisterReminder(reminder);
            _reminderRegistered = false;
        }

        _device = new DeviceState { DeviceId = DeviceId };
        _timer?.Dispose();
        _timer = null;
        _timerDueAt = null;
        LogPurged(DeviceId);
        DeactivateOnIdle();
    }

    /// <summary>
    /// Processing time, unless the device's input partition has records not yet delivered: then its stream time, since
    /// the device's next event may be among them (rule 4). Without a fresh report from the partition's reader (it is
    /// being taken over, or the cluster just restarted) the timeout is deferred, for at most
    /// <see cref="SegmenterOptions.PartitionClockPatience"/>, after which processing time decides.
    /// </summary>
    private StreamClock StreamClockAt(DateTimeOffset now)
    {
        if (_device.LastPosition is not { } position)
            return new StreamClock(now);
        var partition = clocks.FreshOf(position.Partition, now);
        if (partition is null)
        {
            _clockMissingSince ??= now;
            if (now - _clockMissingSince.Value < _options.PartitionClockPatience)
                return new StreamClock(now, DateTimeOffset.MinValue); // unknown: treat as lagging, nothing times out yet
            return new StreamClock(now);
        }

        _clockMissingSince = null;
        return partition is { Lag: > 0, StreamTime: { } streamTime } ? new StreamClock(now, streamTime) : new StreamClock(now);
    }

    /// <summary>
    /// One timer per activation, armed for the next deadline (inactivity while open, else purge). While the device's
    /// partition lags, rule 4 goes by stream time, so the open session waits for its stream-time deadline instead: the
    /// silo's partition clocks call <see cref="CheckDeadlines"/> once the stream time passes it or the lag ends. (In a
    /// backlog of 100,000 devices, arming, firing and re-arming a timer per event and a recheck per second took about
    /// a third of the silo's CPU: Benchmarks/README.md.) The reminder stays the backstop for both.
    /// </summary>
    private void ScheduleDeadline()
    {
        var now = time.GetUtcNow();
        if (segmenter.StreamTimeDeadline(_device) is { } streamDeadline && _device.LastPosition is { } position
            && (_deferredByLag ? _partitionClockKnown : IsLagging(position.Partition, now)))
        {
            Disarm();
            clocks.WakeWhenPassed(position.Partition, streamDeadline, DeviceId);
            return;
        }

        var deadline = segmenter.InactivityDeadline(_device) ?? segmenter.PurgeDeadline(_device);
        if (deadline is not { } due || _device.IsEmpty)
        {
            Disarm();
            return;
        }

        var dueIn = _deferredByLag ? LaggingRecheck : due - now;
        if (dueIn < TimeSpan.Zero)
            dueIn = TimeSpan.Zero;

        // An armed timer that fires no later than needed stays: it re-arms itself when it fires early. Moving it on
        // every event took the process-wide timer lock once per event.
        if (_timerDueAt is { } armed && armed > now && armed <= now + dueIn)
            return;
        _timerDueAt = now + dueIn;
        if (_timer is null)
        {
            _timer = this.RegisterGrainTimer(() => CheckDeadlinesAsync(fromReminder: false), new GrainTimerCreationOptions
            {
                DueTime = dueIn,
                Period = Timeout.InfiniteTimeSpan,
                Interleave = false,
                KeepAlive = false,
            });
        }
        else
        {
            _timer.Change(dueIn, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Whether the partition's last fresh report shows records not yet delivered (no side effects).</summary>
    private bool IsLagging(int partition, DateTimeOffset now) => clocks.FreshOf(partition, now) is { Lag: > 0, StreamTime: not null };

    private void Disarm()
    {
        if (_timerDueAt is null)
            return;
        _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timerDueAt = null;
    }

    private SessionSnapshot Snapshot(OpenSession open) => new(
        DeviceId, open.SessionId, open.Started, open.LastEventTime, open.LastArrival, open.EventCount,
        open.StartedWithoutWakeUp, open.DuplicatesDropped, open.OutOfOrder,
        open.Metrics.ToImmutableSortedDictionary(m => m.Key, m => m.Value.ToSummary(), StringComparer.Ordinal));

    [LoggerMessage(LogLevel.Debug, "Device {Device}: {Count} redelivered records dropped")]
    private partial void LogRedeliveries(string device, int count);

    [LoggerMessage(LogLevel.Warning, "Device {Device}: stream error")]
    private partial void LogStreamError(Exception exception, string device);

    [LoggerMessage(LogLevel.Warning, "Device {Device}: publishing or persisting a batch failed; the activation ends and the batch is retried from the durable state")]
    private partial void LogCommitFailed(Exception exception, string device);

    [LoggerMessage(LogLevel.Debug, "Device {Device}: session timed out (last position {Position}, by reminder {FromReminder})")]
    private partial void LogTimedOut(string device, SourcePosition? position, bool fromReminder);

    [LoggerMessage(LogLevel.Debug, "Device {Device}: purged")]
    private partial void LogPurged(string device);

}
