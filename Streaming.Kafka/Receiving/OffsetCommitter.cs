using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Segmenter.Streaming.Kafka.Metrics;

namespace Segmenter.Streaming.Kafka.Receiving;

/// <summary>
/// Commits one partition's delivered offset under the consumer group: at most once per interval, never
/// backwards, off the pulling agent's thread (a commit is a broker round trip), and a final flush at hand-over. A
/// partition that stays idle commits the same offset again every <c>recommitInterval</c>: partitions are assigned
/// manually, so the group has no members, and a broker forgets the offsets of such a group after
/// <c>offsets.retention.minutes</c> (7 days by default) — the partition would then restart from its earliest record.
/// </summary>
internal sealed partial class OffsetCommitter(
    IConsumer<byte[], byte[]> consumer,
    TopicPartition partition,
    TimeSpan interval,
    TimeSpan recommitInterval,
    KafkaStreamMetrics metrics,
    ILogger logger)
{
    private readonly Lock _lock = new();
    private long _committed = -1; // the next offset to read, as committed (Kafka's convention)
    private long _target = -1;
    private long _lastCommitTicks;
    private Task _inFlight = Task.CompletedTask;

    /// <summary>The committed position: the next offset a new owner reads. -1 when nothing was committed.</summary>
    public long Committed
    {
        get
        {
            lock (_lock)
                return _committed;
        }
    }

    /// <summary>The position already committed when the partition was taken over.</summary>
    public void StartFrom(long committedPosition)
    {
        lock (_lock)
        {
            _committed = committedPosition;
            _target = Math.Max(_target, committedPosition);
        }
    }

    /// <summary>Everything at or below <paramref name="deliveredOffset"/> is done; commits when the interval has passed.</summary>
    public void Offer(long deliveredOffset)
    {
        lock (_lock)
        {
            _target = Math.Max(_target, deliveredOffset + 1);
            var sinceLast = Stopwatch.GetElapsedTime(_lastCommitTicks);
            var recommit = _target == _committed && _committed >= 0 && sinceLast >= recommitInterval;
            if ((_target <= _committed && !recommit) || !_inFlight.IsCompleted || sinceLast < interval)
                return;
            _lastCommitTicks = Stopwatch.GetTimestamp();
            var position = _target;
            _inFlight = Task.Run(() => Commit(position));
        }
    }

    /// <summary>
    /// The hand-over commit: waits for a commit in flight, then commits <paramref name="handoverOffset"/> + 1 — that and
    /// no more, even if a higher offset was offered before. <see cref="Offer"/> is given the cache's committable offset,
    /// which counts containers no cursor claimed (while the agent runs, it registers what it adds in the same turn);
    /// an agent that stopped in between leaves such containers undelivered, and the final commit must stay before them.
    /// </summary>
    public async Task FlushAsync(long handoverOffset)
    {
        Task previous;
        lock (_lock)
            previous = _inFlight;

        await previous;
        var position = handoverOffset + 1;
        lock (_lock)
        {
            if (position <= _committed)
                return;
        }

        await Task.Run(() => Commit(position));
    }

    private void Commit(long position)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            consumer.Commit([new TopicPartitionOffset(partition, position)]);
            lock (_lock)
                _committed = Math.Max(_committed, position);
            metrics.Committed(partition.Topic, partition.Partition.Value, Stopwatch.GetElapsedTime(started));
        }
        catch (KafkaException e)
        {
            // The next delivery tick offers again; a lost commit only means a longer replay after a crash.
            LogCommitFailed(logger, e, partition.Topic, partition.Partition.Value, position, e.Error.Reason);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Commit of {Topic}[{Partition}] at {Offset} failed: {Reason}", EventId = 1100)]
    private static partial void LogCommitFailed(ILogger logger, Exception exception, string topic, int partition, long offset, string reason);
}
