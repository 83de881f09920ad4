using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Streams;
using Orleans.Streams.Core;
using Segmenter.Contracts;
using Segmenter.Grains.Metrics;
using Segmenter.Grains.Options;
using Segmenter.Grains.Persistence;
using Segmenter.Grains.Segmentation;
using Segmenter.Partitions;

namespace Segmenter.Grains;

/// <summary>
/// One device's sessions. A thin shell around <see cref="SessionSegmenter"/>: it feeds it the events its implicit
/// subscription delivers and the deadline checks its partition's scheduler sends, publishes the results and persists
/// the state (with the device's entry in the partition's deadline index, written in the same Redis script). No timer,
/// no reminder of its own.
/// </summary>
/// <remarks>
/// <para>Per delivered batch (all events of the device in one read of its partition): apply the batch to a copy of
/// the state; publish the outputs and wait for Kafka's acknowledgement; write the state once; only then return, so
/// that the input offset is committed only after both the outputs and the state reflecting them are durable. A crash
/// in between replays the batch: the outputs come again with the same session ids (downstream dedupe) and the state
/// ends the same. If any step fails, the copy is dropped and the activation ends, so the agent's retry starts from
/// the durable state.</para>
/// <para>A timeout is the one decision that depends on processing time, so a retry could decide differently: its
/// summary is recorded in the state before it is published and cleared after, and a pending summary is published
/// before anything else happens to the device.</para>
/// </remarks>
[ImplicitStreamSubscription(StreamNamespaces.Events)]
// Beside the pulling agent that activates it: its deliveries are local calls. A device activated elsewhere (a query,
// a partition that moved) is not migrated: migrating on delivery cost a third of the throughput with 2 silos
// (Benchmarks/README.md), more than the remote deliveries it saves.
[PreferLocalPlacement]
public sealed partial class DeviceSessionGrain(
    [PersistentState("device", SegmenterOptions.StorageName)] IPersistentState<PersistedDeviceState> storage,
    SessionSegmenter segmenter,
    IDeadlineIndex index,
    TimeProvider time,
    SessionMetrics metrics,
    ILogger<DeviceSessionGrain> logger)
    : Grain, IDeviceSessionGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<DeviceInput>
{
    private readonly SegmentationOutput _output = new();
    private readonly ILogger _logger = logger;
    private DeviceState _device = null!;
    private SessionSummary? _pending;
    private IAsyncStream<SessionEvent>? _sessionEvents;
    private IAsyncStream<SessionSummary>? _sessions;

    private string DeviceId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        LoadDurableState();
        return Task.CompletedTask;
    }

    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<DeviceInput>().ResumeAsync(this);

    public async Task OnNextAsync(IList<SequentialItem<DeviceInput>> items)
    {
        var started = Stopwatch.GetTimestamp();
        var now = time.GetUtcNow();
        await KeepFromPurgeAsync(now);
        var work = _device.Copy();
        _output.Clear();
        if (_pending is { } pending)
            _output.Summaries.Add(pending); // a timeout's summary first, as it happened first
        var closedFrom = _output.Summaries.Count;
        var changed = _pending is not null;
        foreach (var item in items)
        {
            var input = item.Item;
            var outcome = segmenter.Apply(work, new IncomingEvent(input.Envelope, input.Source, now, input.RecordTimestamp), _output);
            changed |= outcome != ApplyOutcome.RedeliveryDropped;
        }

        if (_output.RedeliveriesDropped > 0)
            LogRedeliveries(DeviceId, _output.RedeliveriesDropped);
        if (changed)
        {
            await PublishAndPersistAsync(work, closedFrom);
            metrics.Delivered(started);
        }
        else
            _device.RedeliveriesDropped = work.RedeliveriesDropped; // counted; written with the next change
    }

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(ex, DeviceId);
        return Task.CompletedTask;
    }

    public async Task<DeadlineOutcome> CheckDeadlines(PartitionClock clock)
    {
        var now = time.GetUtcNow();
        if (_pending is not null)
        {
            _output.Clear();
            _output.Summaries.Add(_pending);
            await PublishAndPersistAsync(_device.Copy(), closedFrom: 1); // counted when it was recorded
        }

        var decision = segmenter.Decide(_device, clock, now);
        switch (decision.Verdict)
        {
            case DeadlineVerdict.CloseNow:
                await TimeOutAsync(clock, now);
                return DeadlineOutcome.Closed;
            case DeadlineVerdict.Purge:
                await PurgeAsync();
                return DeadlineOutcome.Purged;
            case DeadlineVerdict.NotDue or DeadlineVerdict.WaitForCatchUp:
                return DeadlineOutcome.Waiting;
            default:
                return DeadlineOutcome.NoSession;
        }
    }

    public Task<SessionSnapshot?> GetOpenSession() => Task.FromResult(_device.Open is { } open ? DeviceStateMapping.ToSnapshot(open, DeviceId) : null);

    public async Task<DeviceSnapshot?> GetSnapshot()
    {
        if (MayHaveBeenPurged(time.GetUtcNow()))
        {
            await storage.ReadStateAsync();
            LoadDurableState();
        }

        return DeviceStateMapping.ToSnapshot(_device, summaryPending: _pending is not null);
    }

    /// <summary>
    /// Rule 4: records the closed session and its summary durably, then publishes the summary, then clears it. A
    /// device that timed out has been idle for the timeout: its activation ends, so idle devices cost no memory.
    /// </summary>
    private async Task TimeOutAsync(PartitionClock clock, DateTimeOffset now)
    {
        var work = _device.Copy();
        _output.Clear();
        if (!segmenter.CloseIfInactive(work, clock, now, _output))
            return;
        var summary = _output.Summaries[0];
        LogTimedOut(DeviceId, summary.SessionId, work.LastPosition, clock.StreamTime, clock.CaughtUpAt);
        try
        {
            await WriteAsync(work, summary);
            metrics.SessionClosed(summary.Reason); // closed for good now: a failure below republishes, never reopens
            _device = work;
            _pending = summary;
            await PublishAsync();
            await WriteAsync(work, pendingSummary: null);
            _pending = null;
        }
        catch (Exception e)
        {
            LogCommitFailed(e, DeviceId);
            DeactivateOnIdle();
            throw;
        }
        finally
        {
            _output.Clear();
        }

        DeactivateOnIdle();
    }

    /// <summary>
    /// Publishes what <see cref="_output"/> holds, then persists <paramref name="work"/>; keeps it only if both
    /// succeeded. The summaries from <paramref name="closedFrom"/> on are counted as closed once the state is written
    /// (the ones before are a timeout's, counted when it was recorded), so a retry after a failure counts nothing twice.
    /// </summary>
    private async Task PublishAndPersistAsync(DeviceState work, int closedFrom)
    {
        try
        {
            await PublishAsync();
            await WriteAsync(work, pendingSummary: null);
            _device = work;
            _pending = null;
            for (var i = closedFrom; i < _output.Summaries.Count; i++)
                metrics.SessionClosed(_output.Summaries[i].Reason);
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
    }

    private Task WriteAsync(DeviceState state, SessionSummary? pendingSummary)
    {
        var deadlines = pendingSummary is null ? segmenter.Deadlines(state) : SessionSegmenter.DeadlinesWithPendingSummary(time.GetUtcNow());
        storage.State = DeviceStateMapping.ToStored(state, deadlines, pendingSummary);
        return storage.WriteStateAsync();
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

    /// <summary>Forgets the device: no Redis key, no index entry, no activation.</summary>
    private async Task PurgeAsync()
    {
        await storage.ClearStateAsync();
        _device = new DeviceState { DeviceId = DeviceId };
        LogPurged(DeviceId);
        DeactivateOnIdle();
    }

    /// <summary>
    /// The partition's scheduler forgets idle devices in Redis without activating them. An activation that has been
    /// idle for a while may hold a state that is gone: before using it, postpone the pending purge, or (if there was
    /// none left to postpone) read the state again. The check and the purge are both Redis scripts, so one of them
    /// comes first and the other sees it.
    /// </summary>
    private async Task KeepFromPurgeAsync(DateTimeOffset now)
    {
        if (!MayHaveBeenPurged(now) || _device.LastPosition is not { } last)
            return;
        if (await index.PostponePurgeAsync(last.Partition, DeviceId, now + segmenter.Options.PurgeAfter))
            return;
        await storage.ReadStateAsync();
        LoadDurableState();
    }

    /// <summary>No session open and idle for half the purge delay: the scheduler may forget it any moment now (clocks differ).</summary>
    private bool MayHaveBeenPurged(DateTimeOffset now) =>
        _device.Open is null && !_device.IsEmpty && now - _device.LastArrival >= segmenter.Options.PurgeAfter / 2;

    private void LoadDurableState()
    {
        _device = storage.RecordExists ? DeviceStateMapping.ToEngine(storage.State, DeviceId) : new DeviceState { DeviceId = DeviceId };
        _pending = storage.RecordExists ? storage.State.PendingSummary : null;
    }

    [LoggerMessage(LogLevel.Debug, "Device {Device}: {Count} redelivered records dropped", EventId = 3000)]
    private partial void LogRedeliveries(string device, int count);

    [LoggerMessage(LogLevel.Warning, "Device {Device}: stream error", EventId = 3001)]
    private partial void LogStreamError(Exception exception, string device);

    [LoggerMessage(LogLevel.Warning, "Device {Device}: publishing or persisting failed; the activation ends and the work is retried from the durable state", EventId = 3002)]
    private partial void LogCommitFailed(Exception exception, string device);

    [LoggerMessage(LogLevel.Debug, "Device {Device}: session {Session} timed out (last position {Position}, stream time {StreamTime}, caught up at {CaughtUpAt})", EventId = 3003)]
    private partial void LogTimedOut(string device, string session, SourcePosition? position, DateTimeOffset? streamTime, DateTimeOffset? caughtUpAt);

    [LoggerMessage(LogLevel.Debug, "Device {Device}: purged", EventId = 3004)]
    private partial void LogPurged(string device);
}
