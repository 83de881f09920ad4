using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;
using Segmenter.Streaming.Kafka.Cache;
using Segmenter.Streaming.Kafka.Handover;
using Segmenter.Streaming.Kafka.Metrics;
using Segmenter.Streaming.Kafka.Producing;
using Segmenter.Streaming.Kafka.Progress;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace Segmenter.Streaming.Kafka.Receiving;

/// <summary>
/// Reads one Kafka partition for the Orleans pulling agent that owns it. The partition is assigned manually (the
/// Orleans queue balancer decides ownership, not Kafka's group protocol); reading resumes at the group's
/// committed offset. Each read is decoded by <see cref="RecordBatchDecoder"/> and packed by <see cref="RecordBatchPacker"/>
/// into one container per stream; this receiver writes the dead letters they call for. Offsets are committed from the cache's delivery
/// watermark only, and flushed when the partition is handed over. The partition's progress (delivered watermark,
/// stream time of delivered records, when it was last caught up) goes to the silo's
/// <see cref="IPartitionProgressListener"/>s.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Orleans ends a receiver with Shutdown, which disposes what it owns.")]
internal sealed partial class KafkaQueueReceiver(
    QueueId queueId,
    KafkaTopicOptions topic,
    int partition,
    IKafkaRecordDecoder decoder,
    DeliveryTrackingCache cache,
    KafkaStreamOptions options,
    string providerName,
    DeadLetterPublisher deadLetters,
    KafkaStreamMetrics metrics,
    TimeProvider time,
    PartitionHandover? handover,
    IReadOnlyList<IPartitionProgressListener> listeners,
    SiloAddress? reader,
    ILogger logger) : IQueueAdapterReceiver
{
    private readonly ILogger _logger = logger;
    private readonly TopicPartition _partition = new(topic.Name, partition);
    private readonly List<ConsumeResult<byte[], byte[]>> _undecoded = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly DeliveryProgressTracker _progress = new();
    private readonly RecordBatchDecoder _decoder = new(decoder);
    private readonly RecordBatchPacker _packer = new(partition, new Delivery.DeliveryFailurePolicy(topic.Name, partition, options, deadLetters, time, logger), reader);
    private Task<IConsumer<byte[], byte[]>>? _start;
    private OffsetCommitter? _committer;
    private long _position;
    private long _highWatermark;
    private DateTimeOffset? _undecodedSince;
    private DateTimeOffset? _readSince;
    private int _readPending;
    private readonly DeferredDecodeBackoff _deferral = new(time);
    private long _lastDeferralWarningTicks;
    private Task _endSample = Task.CompletedTask;
    private long _lastEndSampleTicks;
    private long _lastReportTicks;

    /// <summary>How often a partition's figures are published at most (metrics, progress listeners).</summary>
    private static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>While records stay deferred, a warning says so at most this often (the retries in between log at debug level).</summary>
    private static readonly TimeSpan DeferralWarningInterval = TimeSpan.FromSeconds(30);

    public QueueId QueueId => queueId;

    /// <summary>The cache this receiver marks what it read in (the agent's cache of the same queue).</summary>
    internal DeliveryTrackingCache Cache => cache;

    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    /// <summary>
    /// Starts taking the partition over in the background (hand-over wait, committed offset, assignment) and returns at
    /// once: until it is done, reads return nothing. A broker that is down at start is retried with back-off.
    /// </summary>
    public Task Initialize(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _start ??= StartAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    [Obsolete("Use the overload that takes a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        _start ??= StartAsync(_stopping.Token);
        if (!_start.IsCompletedSuccessfully)
            return [];
        var consumer = _start.Result;
        if (_undecoded.Count > 0 && !_deferral.IsDue)
        {
            // Kept records go first and are not due yet: reading on would only queue more behind them.
            ReportProgress(consumer);
            return [];
        }

        var limit = maxCount > 0 ? Math.Min(maxCount, options.MaxBatchSize) : options.MaxBatchSize;

        // Records kept from a read whose decoding failed for a passing reason come first, in order.
        var records = new List<ConsumeResult<byte[], byte[]>>(_undecoded);
        _undecoded.Clear();
        var fresh = 0;
        while (records.Count < limit && Consume(consumer) is { } record)
        {
            records.Add(record);
            fresh++;
        }

        if (fresh > 0)
            metrics.Consumed(topic.Name, partition, fresh);
        IList<IBatchContainer> containers = records.Count == 0 ? [] : await DecodeAndPackAsync(consumer, records, cancellationToken);
        ReportProgress(consumer);
        return containers;
    }

    [Obsolete("Use the overload that takes a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    /// <summary>Called after every purge: offers the delivery watermark for the (interval-batched) commit.</summary>
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        _committer?.Offer(cache.CommittableOffset);
        if (_start is { IsCompletedSuccessfully: true } start)
            ReportProgress(start.Result);
        return Task.CompletedTask;
    }

    public Task Shutdown(TimeSpan timeout) => Shutdown(timeout, CancellationToken.None);

    /// <summary>
    /// The partition is handed over (rebalance or silo stop): commit everything delivered before letting go, so
    /// that the next owner replays nothing that was done.
    /// </summary>
    public async Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        var start = _start;
        if (start is null || !start.IsCompletedSuccessfully)
        {
            if (start is not null)
                await start.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            if (start is not { IsCompletedSuccessfully: true })
            {
                await (handover?.ReleaseAsync() ?? Task.CompletedTask);
                return;
            }
        }

        var consumer = start.Result;
        metrics.Forget(topic.Name, partition);
        foreach (var listener in listeners)
            listener.OnReleased(topic.Name, partition);
        try
        {
            // Only what a cursor claimed: a read the agent took but never registered (it was stopping) is not done.
            if (_committer is { } committer)
                await committer.FlushAsync(cache.HandoverOffset).WaitAsync(timeout, cancellationToken);
            LogHandedOver(topic.Name, partition, _committer?.Committed ?? -1, _position, cache.EventCount);
            await (handover?.ReleaseAsync() ?? Task.CompletedTask);
        }
        catch (Exception e) when (e is TimeoutException or KafkaException or OperationCanceledException)
        {
            LogFinalCommitFailed(e, topic.Name, partition);
        }
        finally
        {
            await _endSample.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            await Task.Run(() =>
            {
                consumer.Close();
                consumer.Dispose();
            }, CancellationToken.None);
            _stopping.Dispose();
        }
    }

    private ConsumeResult<byte[], byte[]>? Consume(IConsumer<byte[], byte[]> consumer)
    {
        try
        {
            // Non-blocking: librdkafka prefetches in the background; this only takes what has arrived.
            return consumer.Consume(TimeSpan.Zero);
        }
        catch (ConsumeException e) when (e.Error.Code is ErrorCode.Local_AutoOffsetReset or ErrorCode.OffsetOutOfRange)
        {
            SkipToEarliestAfterRetention(consumer, e.Error.Reason);
            return null;
        }
        catch (ConsumeException e)
        {
            LogConsumeError(e, topic.Name, partition, e.Error.Reason);
            return null;
        }
    }

    /// <remarks>
    /// While it runs, the read's records are neither in the cache nor kept as undecoded: they count as pending (read,
    /// not delivered) from the read's start, so that a read waiting on a slow dead-letter write shows in the
    /// partition's pending age and stall figures.
    /// </remarks>
    private async Task<IList<IBatchContainer>> DecodeAndPackAsync(IConsumer<byte[], byte[]> consumer, List<ConsumeResult<byte[], byte[]>> records, CancellationToken cancellationToken)
    {
        _readSince = time.GetUtcNow();
        _readPending = records.Count;
        try
        {
            return await DecodeAndPackCoreAsync(consumer, records, cancellationToken);
        }
        finally
        {
            _readSince = null;
            _readPending = 0;
        }
    }

    private async Task<IList<IBatchContainer>> DecodeAndPackCoreAsync(IConsumer<byte[], byte[]> consumer, List<ConsumeResult<byte[], byte[]>> records, CancellationToken cancellationToken)
    {
        var batch = await _decoder.DecodeAsync(records, (record, poison) => DeadLetterAsync(consumer, record, poison), cancellationToken);
        if (batch.IsStopped)
        {
            _undecoded.AddRange(batch.Kept);
            Deferred(batch.StopReason, batch.StoppedAt);
        }

        foreach (var handled in batch.Handled)
            _progress.Read(handled.Offset, handled.StreamTime);
        _progress.EndOfRead();
        _undecodedSince = _undecoded.Count == 0 ? null : _undecodedSince ?? time.GetUtcNow();
        if (_undecoded.Count == 0 && _deferral.Failures > 0)
        {
            LogDecodeResumed(topic.Name, partition, _deferral.Offset, _deferral.Failures, _deferral.FailingFor.TotalSeconds);
            _deferral.Succeeded();
        }

        var containers = _packer.Pack(batch);

        // Without a container nothing can be dropped by the agent: the dead letters are acknowledged, so they count now.
        if (containers.Count == 0 && batch.LastHandledOffset >= 0)
            cache.MarkReadUpTo(batch.LastHandledOffset);
        return containers;
    }

    /// <summary>
    /// Writes a dead letter; one that takes longer than a report interval (the broker is slow or unreachable) publishes
    /// the partition's figures meanwhile, as the agent waits on this read and reports nothing else until it returns.
    /// </summary>
    private async Task DeadLetterAsync(IConsumer<byte[], byte[]> consumer, ConsumeResult<byte[], byte[]> record, KafkaDecodeResult poison)
    {
        var write = deadLetters.PublishAsync(record, poison.PoisonKind!, poison.PoisonReason!);
        if (!write.IsCompleted)
        {
            await Task.WhenAny(write, Task.Delay(ReportInterval, time, CancellationToken.None));
            if (!write.IsCompleted)
                ReportProgress(consumer, force: true);
        }

        // A dead letter that no shape of could be written was logged and counted by the publisher: done with, too.
        if (await write)
            LogDeadLettered(topic.Name, partition, record.Offset.Value, poison.PoisonKind!, poison.PoisonReason!, deadLetters.Topic);
    }

    /// <summary>Backs off the next decode of the kept records; the first deferral is a warning, then one warning per interval.</summary>
    private void Deferred(Exception failure, long offset)
    {
        var delay = _deferral.Failed(offset);
        var failures = _deferral.Failures;
        if (failures == 1)
        {
            LogDecodeDeferred(failure, topic.Name, partition, offset, _undecoded.Count, delay.TotalSeconds, DeferredDecodeBackoff.Longest.TotalSeconds);
            _lastDeferralWarningTicks = time.GetTimestamp();
        }
        else if (time.GetElapsedTime(_lastDeferralWarningTicks) >= DeferralWarningInterval)
        {
            LogStillDeferred(topic.Name, partition, offset, failures, _deferral.FailingFor.TotalSeconds, _undecoded.Count, ExceptionText.Chain(failure, maxLength: 500));
            _lastDeferralWarningTicks = time.GetTimestamp();
        }
        else
            LogDecodeDeferredAgain(topic.Name, partition, offset, failures, delay.TotalSeconds);
    }

    private async Task<IConsumer<byte[], byte[]>> StartAsync(CancellationToken cancellationToken)
    {
        if (handover is not null)
            await handover.AcquireAsync(cancellationToken);

        var backoff = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                return await Task.Run(() => TakeOver(options.MetadataTimeout), cancellationToken);
            }
            catch (KafkaException e)
            {
                LogTakeOverFailed(e, topic.Name, partition, backoff.TotalSeconds, e.Error.Reason);
                await Task.Delay(backoff, cancellationToken);
                backoff = TimeSpan.FromSeconds(Math.Min(30, backoff.TotalSeconds * 2));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Anything else (a consumer setting librdkafka refuses, a bug): a faulted start would leave the partition
                // unread without a word, so it is logged as an error and retried like a broker outage.
                LogTakeOverFaulted(e, topic.Name, partition, backoff.TotalSeconds);
                await Task.Delay(backoff, cancellationToken);
                backoff = TimeSpan.FromSeconds(Math.Min(30, backoff.TotalSeconds * 2));
            }
        }
    }

    private IConsumer<byte[], byte[]> TakeOver(TimeSpan timeout)
    {
        var consumer = BuildConsumer();
        try
        {
            var committed = consumer.Committed([_partition], timeout).Single().Offset;
            var sampledAt = time.GetUtcNow();
            var watermarks = consumer.QueryWatermarkOffsets(_partition, timeout);
            var start = StartOffset(committed, watermarks);
            consumer.Assign(new TopicPartitionOffset(_partition, start));

            _committer = new OffsetCommitter(consumer, _partition, options.CommitInterval, options.IdleRecommitInterval, metrics, _logger);
            if (committed != Offset.Unset)
                _committer.StartFrom(Math.Min(committed.Value, start));
            cache.MarkReadUpTo(start - 1);
            _progress.Delivered(start);
            _progress.EndSampled(sampledAt, watermarks.High.Value);
            _position = start;
            _highWatermark = watermarks.High.Value;
            _lastEndSampleTicks = System.Diagnostics.Stopwatch.GetTimestamp();
            LogTookOver(topic.Name, partition, start, committed == Offset.Unset ? "none" : committed.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), watermarks.High.Value);
            ReportProgress(consumer, force: true);
            return consumer;
        }
        catch
        {
            consumer.Dispose();
            throw;
        }
    }

    private long StartOffset(Offset committed, WatermarkOffsets watermarks)
    {
        var low = watermarks.Low.Value;
        var high = watermarks.High.Value;
        if (committed == Offset.Unset)
            return options.StartWithoutCommit == AutoOffsetReset.Latest ? high : low;

        if (committed.Value < low)
        {
            // Retention deleted records this group never read. Loud, counted, never silent.
            var skipped = low - committed.Value;
            metrics.Skipped(topic.Name, partition, skipped);
            LogSkippedByRetention(topic.Name, partition, committed.Value, low, skipped);
            return low;
        }

        if (committed.Value > high)
        {
            LogCommittedBeyondEnd(topic.Name, partition, committed.Value, high);
            return high;
        }

        return committed.Value;
    }

    private void SkipToEarliestAfterRetention(IConsumer<byte[], byte[]> consumer, string reason)
    {
        var watermarks = consumer.QueryWatermarkOffsets(_partition, options.MetadataTimeout);
        var skipped = Math.Max(0, watermarks.Low.Value - _position);
        metrics.Skipped(topic.Name, partition, skipped);
        LogSkippedByRetention(topic.Name, partition, _position, watermarks.Low.Value, skipped);
        LogOutOfRangeReason(topic.Name, partition, reason);
        consumer.Seek(new TopicPartitionOffset(_partition, watermarks.Low));
        cache.MarkReadUpTo(watermarks.Low.Value - 1);
        _position = watermarks.Low.Value;
    }

    private IConsumer<byte[], byte[]> BuildConsumer()
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = options.BootstrapServers,
            GroupId = options.ConsumerGroupId,
            ClientId = $"{providerName}-{topic.Name}-{partition}",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            // Out of range must surface, not reset silently: the receiver logs and counts what was lost.
            AutoOffsetReset = AutoOffsetReset.Error,
            QueuedMaxMessagesKbytes = options.ConsumerPrefetchKBytes,
            EnablePartitionEof = false,
            SocketNagleDisable = true,
            FetchWaitMaxMs = (int)options.ConsumerFetchWait.TotalMilliseconds,
        };
        options.Security.ApplyTo(config);
        foreach (var (key, value) in options.ConsumerSettings)
            config.Set(key, value);

        var builder = new ConsumerBuilder<byte[], byte[]>(config)
            .SetLogHandler((_, message) => KafkaClientLog.Write(_logger, options, message))
            .SetErrorHandler((_, error) => LogKafkaError(topic.Name, partition, error.Code, options.Redact(error.Reason)));
        return options.Security.ApplyTo(builder).Build();
    }

    /// <summary>
    /// Publishes where the partition stands (metrics and the silo's progress listeners) and, once per
    /// <see cref="KafkaStreamOptions.ProgressInterval"/>, asks the broker for the partition's end in the background:
    /// "caught up at T" needs an end offset known to be at least the end at T, which librdkafka's cached watermark is
    /// not while fetching pauses (backpressure).
    /// </summary>
    private void ReportProgress(IConsumer<byte[], byte[]> consumer, bool force = false)
    {
        // The delivered watermark moves on every call (cheap); the report itself — native calls, two records, the
        // listeners — at most every ReportInterval: the agent calls this after every read and purge, thousands of times
        // a second under load, while its readers look once per scheduler interval.
        var delivered = cache.CommittableOffset + 1;
        _progress.Delivered(delivered);
        if (!force && System.Diagnostics.Stopwatch.GetElapsedTime(_lastReportTicks) < ReportInterval)
            return;
        _lastReportTicks = System.Diagnostics.Stopwatch.GetTimestamp();

        var position = consumer.Position(_partition);
        if (position != Offset.Unset)
            _position = position.Value;
        var watermarks = consumer.GetWatermarkOffsets(_partition);
        if (watermarks.High != Offset.Unset)
            _highWatermark = Math.Max(_highWatermark, watermarks.High.Value);
        SampleEndWhenDue(consumer, knownUnread: watermarks.High != Offset.Unset && watermarks.High.Value > _position);

        var now = time.GetUtcNow();
        var committed = _committer?.Committed ?? -1;
        var oldestPending = Earliest(Earliest(cache.OldestPendingSince, _undecodedSince), _readSince);
        var streamTime = _progress.StreamTime;
        var caughtUpAt = _progress.CaughtUpAt;
        metrics.Report(new PartitionStatus(topic.Name, partition, _position, Math.Max(_highWatermark, _position), committed,
            delivered, cache.EventCount + _undecoded.Count + _readPending, oldestPending, streamTime, caughtUpAt, now));
        if (listeners.Count == 0)
            return;
        var progress = new PartitionProgress(topic.Name, partition, delivered, streamTime, caughtUpAt, committed, now);
        foreach (var listener in listeners)
            listener.OnProgress(progress);
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) => a is { } x && b is { } y ? (x < y ? x : y) : a ?? b;

    /// <remarks>
    /// While the consumer already knows of unread records (<paramref name="knownUnread"/>), the partition cannot be caught
    /// up now and a sample would only wait in the queue: the broker is asked every fifth interval only, so that a
    /// pipeline that keeps up with a steady stream still gets a recent "caught up at". (Each ask is a broker round trip
    /// that librdkafka serves on the calling thread; at 48 partitions every 500 ms it took ~5% of the CPU.)
    /// </remarks>
    private void SampleEndWhenDue(IConsumer<byte[], byte[]> consumer, bool knownUnread)
    {
        var since = System.Diagnostics.Stopwatch.GetElapsedTime(_lastEndSampleTicks);
        if (!_endSample.IsCompleted || since < options.ProgressInterval || (knownUnread && since < options.ProgressInterval * 5))
            return;
        _lastEndSampleTicks = System.Diagnostics.Stopwatch.GetTimestamp();
        _endSample = Task.Run(() =>
        {
            try
            {
                var sampledAt = time.GetUtcNow();
                var end = consumer.QueryWatermarkOffsets(_partition, options.MetadataTimeout).High;
                if (end == Offset.Unset)
                    return;
                _highWatermark = Math.Max(_highWatermark, end.Value);
                _progress.EndSampled(sampledAt, end.Value);
            }
            catch (Exception e) when (e is KafkaException or ObjectDisposedException)
            {
                // Without a fresh end the partition only looks behind for longer: timeouts wait, none fires early.
                LogEndSampleFailed(e, topic.Name, partition);
            }
        }, CancellationToken.None);
    }

    [LoggerMessage(LogLevel.Information, "Took over {Topic}[{Partition}] at offset {Start} (committed {Committed}, end {End})", EventId = 1000)]
    private partial void LogTookOver(string topic, int partition, long start, string committed, long end);

    [LoggerMessage(LogLevel.Warning, "Taking over {Topic}[{Partition}] failed; retrying in {Seconds} s: {Reason}", EventId = 1001)]
    private partial void LogTakeOverFailed(Exception exception, string topic, int partition, double seconds, string reason);

    [LoggerMessage(LogLevel.Error, "Could not take over {Topic}[{Partition}]: the partition is not read; retrying in {Seconds} s", EventId = 1002)]
    private partial void LogTakeOverFaulted(Exception exception, string topic, int partition, double seconds);

    [LoggerMessage(LogLevel.Information, "Handed over {Topic}[{Partition}]: committed {Committed}, read up to {Position}, {Pending} events were still undelivered", EventId = 1003)]
    private partial void LogHandedOver(string topic, int partition, long committed, long position, int pending);

    [LoggerMessage(LogLevel.Error, "Final commit of {Topic}[{Partition}] failed; the next owner replays from the previous commit", EventId = 1004)]
    private partial void LogFinalCommitFailed(Exception exception, string topic, int partition);

    [LoggerMessage(LogLevel.Error, "{Topic}[{Partition}]: committed offset {Committed} no longer exists (retention deleted it); earliest is {Earliest}: {Skipped} records were never read", EventId = 1005)]
    private partial void LogSkippedByRetention(string topic, int partition, long committed, long earliest, long skipped);

    [LoggerMessage(LogLevel.Error, "{Topic}[{Partition}]: offset out of range: {Reason}", EventId = 1006)]
    private partial void LogOutOfRangeReason(string topic, int partition, string reason);

    [LoggerMessage(LogLevel.Warning, "{Topic}[{Partition}]: committed offset {Committed} is beyond the end {End}; starting at the end", EventId = 1007)]
    private partial void LogCommittedBeyondEnd(string topic, int partition, long committed, long end);

    [LoggerMessage(LogLevel.Warning, "{Topic}[{Partition}] dead-lettered record at offset {Offset} ({Kind}): {Reason} -> {DeadLetterTopic}", EventId = 1008)]
    private partial void LogDeadLettered(string topic, int partition, long offset, string kind, string reason, string deadLetterTopic);

    [LoggerMessage(LogLevel.Warning, "{Topic}[{Partition}]: decoding at offset {Offset} failed for a passing reason; {Count} records wait and are decoded again in {Delay} s (backing off to {Longest} s)", EventId = 1009)]
    private partial void LogDecodeDeferred(Exception exception, string topic, int partition, long offset, int count, double delay, double longest);

    [LoggerMessage(LogLevel.Debug, "{Topic}[{Partition}]: decoding at offset {Offset} deferred again (attempt {Attempts}); next in {Delay} s", EventId = 1010)]
    private partial void LogDecodeDeferredAgain(string topic, int partition, long offset, int attempts, double delay);

    [LoggerMessage(LogLevel.Warning, "{Topic}[{Partition}]: decoding at offset {Offset} still deferred after {Attempts} attempts over {Seconds:0} s; {Count} records wait; last: {Reason}", EventId = 1011)]
    private partial void LogStillDeferred(string topic, int partition, long offset, int attempts, double seconds, int count, string reason);

    [LoggerMessage(LogLevel.Information, "{Topic}[{Partition}]: decoding at offset {Offset} resumed after {Attempts} deferred attempts over {Seconds:0.0} s", EventId = 1012)]
    private partial void LogDecodeResumed(string topic, int partition, long offset, int attempts, double seconds);

    [LoggerMessage(LogLevel.Warning, "{Topic}[{Partition}]: consume error: {Reason}", EventId = 1013)]
    private partial void LogConsumeError(Exception exception, string topic, int partition, string reason);

    [LoggerMessage(LogLevel.Debug, "{Topic}[{Partition}]: asking the broker for the partition's end failed; the next interval asks again", EventId = 1014)]
    private partial void LogEndSampleFailed(Exception exception, string topic, int partition);

    [LoggerMessage(LogLevel.Warning, "{Topic}[{Partition}]: Kafka error {Code}: {Reason}", EventId = 1015)]
    private partial void LogKafkaError(string topic, int partition, ErrorCode code, string reason);
}
