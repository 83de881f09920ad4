using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Segmenter.Streaming.Kafka.Handover;

/// <summary>
/// The receiver's side of the hand-over: before reading a partition, wait until its previous owner has committed
/// and released it (bounded by <see cref="KafkaStreamOptions.HandoverTimeout"/>); after the final commit, release it.
/// Without this, a new owner could read the committed offset before the old owner's last commit and replay.
/// </summary>
internal sealed partial class PartitionHandover(IGrainFactory grains, SiloAddress silo, string key, TimeSpan timeout, ILogger logger)
{
    private long? _epoch;

    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        var owner = grains.GetGrain<IPartitionOwnerGrain>(key);
        var started = Stopwatch.GetTimestamp();
        var waited = false;
        while (true)
        {
            var force = Stopwatch.GetElapsedTime(started) >= timeout;
            try
            {
                _epoch = await owner.TryAcquire(silo, force);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The ownership record is unreachable: read anyway; the cost is a possible replay, never a loss.
                LogOwnershipUnreachable(logger, e, key);
                return;
            }

            if (_epoch is not null)
            {
                if (waited)
                    LogWaitedForPreviousOwner(logger, key, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                return;
            }

            waited = true;
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    public async Task ReleaseAsync()
    {
        if (_epoch is not { } epoch)
            return;
        try
        {
            await grains.GetGrain<IPartitionOwnerGrain>(key).Release(silo, epoch);
        }
        catch (Exception e)
        {
            LogReleaseFailed(logger, e, key);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Hand-over of {Partition}: the ownership record is unreachable; reading without it", EventId = 1300)]
    private static partial void LogOwnershipUnreachable(ILogger logger, Exception exception, string partition);

    [LoggerMessage(LogLevel.Information, "Hand-over of {Partition}: waited {Waited:0} ms for the previous owner to let go", EventId = 1301)]
    private static partial void LogWaitedForPreviousOwner(ILogger logger, string partition, double waited);

    [LoggerMessage(LogLevel.Warning, "Hand-over of {Partition}: release failed; the next owner waits for the hand-over timeout", EventId = 1302)]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string partition);
}
