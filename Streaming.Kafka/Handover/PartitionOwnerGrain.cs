using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Segmenter.Streaming.Kafka.Handover;

/// <summary>
/// Keeps the current owner of one partition in memory. Losing that memory (the grain's silo died) is safe: the
/// next owner then starts at once and, at worst, replays what the old owner had delivered but not committed.
/// </summary>
internal sealed partial class PartitionOwnerGrain(IClusterMembershipService membership, ILogger<PartitionOwnerGrain> logger) : Grain, IPartitionOwnerGrain
{
    private SiloAddress? _owner;
    private long _epoch;
    private bool _released = true;

    public Task<long?> TryAcquire(SiloAddress silo, bool force)
    {
        if (!_released && _owner is not null && !_owner.Equals(silo) && IsActive(_owner) && !force)
            return Task.FromResult<long?>(null);

        if (!_released && _owner is not null && !_owner.Equals(silo))
        {
            LogTakenWithoutRelease(logger, this.GetPrimaryKeyString(), silo, _owner, force ? "the hand-over timed out" : "the owner is gone");
        }

        _owner = silo;
        _released = false;
        return Task.FromResult<long?>(++_epoch);
    }

    public Task Release(SiloAddress silo, long epoch)
    {
        if (silo.Equals(_owner) && epoch == _epoch)
            _released = true;
        return Task.CompletedTask;
    }

    private bool IsActive(SiloAddress silo) =>
        membership.CurrentSnapshot.GetSiloStatus(silo) is SiloStatus.Active or SiloStatus.Joining or SiloStatus.ShuttingDown or SiloStatus.Stopping;

    [LoggerMessage(LogLevel.Warning, "Partition {Partition} taken by {Silo} from {Owner} without its release ({How})", EventId = 1303)]
    private static partial void LogTakenWithoutRelease(ILogger logger, string partition, SiloAddress silo, SiloAddress owner, string how);
}
