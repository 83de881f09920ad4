using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Segmenter.Grains.Metrics;
using Segmenter.Grains.Options;
using Segmenter.Grains.Persistence;
using Segmenter.Partitions;
using Segmenter.Streaming;

namespace Segmenter.Grains.Scheduling;

/// <summary>
/// The deadline scheduler of one input partition. Every <see cref="SegmenterOptions.SchedulerInterval"/> it asks the
/// partition's deadline index which devices are due under the partition's clock — the stream time of delivered
/// records and the moment the reader last confirmed it was caught up — wakes them (each device decides with the
/// pure rules), and forgets idle devices whose last record is committed, in Redis, without activating them.
/// </summary>
/// <remarks>
/// The clock only ever moves forward (each report is a fact that stays true), so a report from a reader that has since
/// died can delay a timeout but never cause a wrong one; a partition whose reader is gone or taken over closes nothing
/// until its new reader confirms. The index lives in Redis, written with each device's state, so the schedule survives
/// any crash; the per-partition reminder reactivates the scheduler after its silo died, and its placement follows the
/// reader: it is activated on the silo that reports (prefer-local) and leaves when the partition does.
/// </remarks>
[PreferLocalPlacement]
public sealed partial class PartitionSchedulerGrain(
    IDeadlineIndex index,
    ILocalSiloDetails silo,
    ISiloStatusOracle siloStatus,
    IOptions<SegmenterOptions> options,
    TimeProvider time,
    SessionMetrics metrics,
    ILogger<PartitionSchedulerGrain> logger)
    : Grain, IPartitionSchedulerGrain, IRemindable
{
    public const string ReminderName = "partition-deadlines";

    /// <summary>Most devices of each kind (stream-time and processing-time deadlines, purges) handled per tick.</summary>
    private const int BatchPerTick = 2_000;

    /// <summary>Most wake-ups awaiting their device at once.</summary>
    private const int MaxInFlight = 10_000;

    private static readonly TimeSpan ClockSaveInterval = TimeSpan.FromSeconds(5);

    private readonly ILogger _logger = logger;
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private string _topic = "";
    private int _partition;
    private TagList _tags;
    private PartitionClock _clock = PartitionClock.Unknown;
    private DateTimeOffset? _lastReportAt;
    private DateTimeOffset _clockSavedAt;
    private bool _clockChanged;
    private long _woken;
    private long _closed;
    private long _purged;

    public static string KeyOf(string topic, int partition) => string.Create(CultureInfo.InvariantCulture, $"{topic}/{partition}");

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.LastIndexOf('/');
        _topic = key[..slash];
        _partition = int.Parse(key[(slash + 1)..], CultureInfo.InvariantCulture);
        _tags = SessionMetrics.PartitionTags(_topic, _partition);
        _clock = Merge(_clock, await index.LoadClockAsync(_partition));
        _clockSavedAt = time.GetUtcNow();
        await this.RegisterOrUpdateReminder(ReminderName, options.Value.ReminderPeriod, options.Value.ReminderPeriod, cancellationToken);
        this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions
        {
            DueTime = options.Value.SchedulerInterval,
            Period = options.Value.SchedulerInterval,
            Interleave = false,
            KeepAlive = true,
        });
        LogActivated(_topic, _partition, _clock.StreamTime, _clock.CaughtUpAt, _clock.CommittedUpTo);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await SaveClockAsync(force: true);
    }

    public Task Report(PartitionProgress progress, SiloAddress reader)
    {
        if (progress.Partition != _partition || !string.Equals(progress.Source, _topic, StringComparison.Ordinal))
            return Task.CompletedTask;
        if (!reader.Equals(silo.SiloAddress))
            MigrateOnIdle(); // to the reader: the report carries it as the placement hint (SchedulerFeed)
        var reported = new PartitionClock(progress.StreamTime, progress.CaughtUpAt, progress.CommittedUpTo);
        var merged = Merge(_clock, reported);
        _clockChanged |= merged != _clock;
        _clock = merged;
        _lastReportAt = time.GetUtcNow();
        return Task.CompletedTask;
    }

    public Task Release()
    {
        // The next report comes from the partition's new reader and activates the scheduler there.
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task<PartitionSchedulerStatus> GetStatus() => Task.FromResult(new PartitionSchedulerStatus(
        _clock, _lastReportAt, _woken, _closed, _purged, _inFlight.Count, RuntimeIdentity));

    /// <summary>Nothing to do but be active: the activation loads the last clock and starts the ticks.</summary>
    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var clock = _clock;
        if (clock == PartitionClock.Unknown)
            return;
        // A stopping silo wakes nobody: its devices are being deactivated and its grains can no longer be placed, so
        // every wake-up would fail (tens of thousands of log lines at 100,000 devices); the index keeps them due and the
        // partition's next reader wakes them.
        if (siloStatus.CurrentStatus != SiloStatus.Active)
            return;
        var now = time.GetUtcNow();
        try
        {
            var purged = await index.PurgeAsync(_partition, now, clock.CommittedUpTo, BatchPerTick);
            _purged += purged;
            metrics.PurgedByScheduler(purged, _tags);
            foreach (var device in await index.DueAsync(_partition, clock, now, BatchPerTick))
            {
                if (_inFlight.Count >= MaxInFlight)
                    break;
                if (_inFlight.Add(device))
                    _ = WakeAsync(device, clock, now);
            }

            await SaveClockAsync(force: false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Redis unreachable: the index is durable, the next tick finds the same devices due.
            LogTickFailed(e, _topic, _partition);
        }
    }

    private async Task WakeAsync(string device, PartitionClock clock, DateTimeOffset now)
    {
        try
        {
            _woken++;
            var outcome = await GrainFactory.GetGrain<IDeviceSessionGrain>(device).CheckDeadlines(clock);
            if (outcome == DeadlineOutcome.Closed)
            {
                _closed++;
                metrics.TimedOutByScheduler(_tags);
            }
            else if (outcome == DeadlineOutcome.NoSession)
                await index.ForgetStaleAsync(_partition, device, clock, now);
        }
        catch (Exception e)
        {
            // The device stays due in the index: a later tick wakes it again.
            LogWakeFailed(e, device, _topic, _partition);
        }
        finally
        {
            _inFlight.Remove(device);
        }
    }

    private async Task SaveClockAsync(bool force)
    {
        if (!_clockChanged || (!force && time.GetUtcNow() - _clockSavedAt < ClockSaveInterval))
            return;
        try
        {
            await index.SaveClockAsync(_partition, _clock);
            _clockChanged = false;
            _clockSavedAt = time.GetUtcNow();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogTickFailed(e, _topic, _partition);
        }
    }

    private static PartitionClock Merge(PartitionClock known, PartitionClock reported) => new(
        Later(known.StreamTime, reported.StreamTime),
        Later(known.CaughtUpAt, reported.CaughtUpAt),
        Math.Max(known.CommittedUpTo, reported.CommittedUpTo));

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;

    [LoggerMessage(LogLevel.Information, "Deadline scheduler of {Topic}[{Partition}] active (stream time {StreamTime}, caught up at {CaughtUpAt}, committed {Committed})", EventId = 3200)]
    private partial void LogActivated(string topic, int partition, DateTimeOffset? streamTime, DateTimeOffset? caughtUpAt, long committed);

    [LoggerMessage(LogLevel.Warning, "Deadline scheduler of {Topic}[{Partition}]: a tick failed; the next one tries again", EventId = 3201)]
    private partial void LogTickFailed(Exception exception, string topic, int partition);

    [LoggerMessage(LogLevel.Debug, "Deadline scheduler of {Topic}[{Partition}]: waking device {Device} failed; it stays due", EventId = 3202)]
    private partial void LogWakeFailed(Exception exception, string device, string topic, int partition);
}
