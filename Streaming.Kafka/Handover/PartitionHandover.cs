using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Segmenter.Streaming.Kafka.Handover;

/// <summary>
/// The receiver's side of the hand-over: before reading a partition, wait until its previous owner has committed
/// and released it (bounded by <see cref="KafkaStreamOptions.HandoverTimeout"/>); after the final commit, release it.
/// Without this, a new owner could read the committed offset before the old owner's last commit and replay.
/// </summary>
internal sealed class PartitionHandover(IGrainFactory grains, SiloAddress silo, string key, TimeSpan timeout, ILogger logger)
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
                logger.LogWarning(e, "Hand-over of {Partition}: the ownership record is unreachable; reading without it", key);
                return;
            }

            if (_epoch is not null)
            {
                if (waited)
                    logger.LogInformation("Hand-over of {Partition}: waited {Waited:0} ms for the previous owner to let go", key, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
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
            logger.LogWarning(e, "Hand-over of {Partition}: release failed; the next owner waits for the hand-over timeout", key);
        }
    }
}
