using Segmenter.Partitions;

namespace Segmenter.Grains.Persistence;

/// <summary>
/// What the device grains and the partition schedulers need of a partition's deadline index: which devices are due,
/// forgetting idle devices without activating them, and the scheduler's last known clock. The entries themselves are
/// written by the device storage with every state (<see cref="IDeadlineIndexed"/>), never through this interface, so
/// that a state and its deadlines cannot disagree. Storage-neutral: the grains know no store.
/// </summary>
/// <remarks>
/// An implementation must make <see cref="PurgeAsync"/> and <see cref="PostponePurgeAsync"/> atomic with respect to each
/// other (Redis: each one script): the grain relies on one of them coming first and the other seeing it, or an active
/// device could act on a state the scheduler has just forgotten.
/// </remarks>
public interface IDeadlineIndex
{
    /// <summary>
    /// The devices of <paramref name="partition"/> whose open session rule 4 may close under <paramref name="clock"/> at
    /// <paramref name="now"/>: processing-time deadline reached and either not after the moment the partition was caught
    /// up, or the event-time deadline before the stream time. At most <paramref name="limit"/> of each kind, earliest first.
    /// </summary>
    Task<IReadOnlyCollection<string>> DueAsync(int partition, PartitionClock clock, DateTimeOffset now, int limit);

    /// <summary>
    /// Forgets up to <paramref name="limit"/> devices whose purge is due and whose last record is below
    /// <paramref name="committedUpTo"/> (a record that can still be replayed must find its dedupe marks); returns how many.
    /// </summary>
    Task<int> PurgeAsync(int partition, DateTimeOffset now, long committedUpTo, int limit);

    /// <summary>
    /// Moves a device's pending purge to <paramref name="until"/>: a device that is about to be used again must not be
    /// forgotten under it. False when no purge was pending (the device has an open session, or it was purged already).
    /// </summary>
    Task<bool> PostponePurgeAsync(int partition, string device, DateTimeOffset until);

    /// <summary>Drops a device's deadlines that were found due under <paramref name="clock"/> but that it does not have (stale).</summary>
    Task ForgetStaleAsync(int partition, string device, PartitionClock clock, DateTimeOffset now);

    /// <summary>The clock the partition's scheduler last saved, or <see cref="PartitionClock.Unknown"/>.</summary>
    Task<PartitionClock> LoadClockAsync(int partition);

    /// <summary>Keeps the partition's clock, so that a scheduler activated again (another silo, after a crash) resumes from it.</summary>
    Task SaveClockAsync(int partition, PartitionClock clock);
}
