using System.Diagnostics;
using System.Diagnostics.Metrics;
using Segmenter.Contracts;

namespace Segmenter.Grains.Metrics;

/// <summary>
/// What the device grains, their storage and the partitions' deadline schedulers measure, as
/// <see cref="System.Diagnostics.Metrics"/> instruments (meter <c>Segmenter.Grains</c>; the silo exports it with
/// OpenTelemetry). One per silo, shared by every activation: instruments are created once, and every call here is
/// allocation-free (tags are cached or passed in a <see cref="TagList"/> the caller keeps).
/// </summary>
public sealed class SessionMetrics : IDisposable
{
    public const string MeterName = "Segmenter.Grains";

    // Bucket bounds in ms. The SDK's defaults (0, 5, 10, 25, ... 10,000) put every Redis write of a healthy store in
    // the first bucket, so a p99 would only say "under 5 ms"; a delivery waits for Kafka's acknowledgement, tens of ms.
    private static readonly double[] RedisBuckets = [0.25, 0.5, 1, 2, 3, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];
    private static readonly double[] DeliveryBuckets = [1, 2, 5, 10, 20, 35, 50, 75, 100, 150, 250, 500, 1000, 2500, 5000, 10000];

    // One boxed tag per reason, made once: the counter is called for every closed session.
    private static readonly KeyValuePair<string, object?>[] ReasonTags =
        [.. Enum.GetValues<CloseReason>().Select(r => new KeyValuePair<string, object?>("reason", r.ToString()))];

    private readonly Meter _meter;
    private readonly Counter<long> _sessionsClosed;
    private readonly Histogram<double> _deliveryDuration;
    private readonly Histogram<double> _redisWriteDuration;
    private readonly Counter<long> _schedulerTimeouts;
    private readonly Counter<long> _schedulerPurges;

    public SessionMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _sessionsClosed = _meter.CreateCounter<long>("segmenter.sessions.closed", "{session}",
            "Sessions closed, by reason (Completed, TimedOut, Superseded, MaxDuration); counted once the close is durable in Redis.");
        _deliveryDuration = _meter.CreateHistogram("segmenter.delivery.duration", "ms",
            "How long a device grain took over one delivery of its events that changed its state: the rules, publishing the outputs until Kafka acknowledged them, and the state write.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DeliveryBuckets });
        _redisWriteDuration = _meter.CreateHistogram("segmenter.redis.write.duration", "ms",
            "How long one device state write took in Redis (the script that writes the state and its deadline index entry).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RedisBuckets });
        _schedulerTimeouts = _meter.CreateCounter<long>("segmenter.scheduler.timeouts", "{session}",
            "Sessions closed TimedOut by a partition's deadline scheduler, by topic and partition.");
        _schedulerPurges = _meter.CreateCounter<long>("segmenter.scheduler.purges", "{device}",
            "Idle devices forgotten (state deleted) by a partition's deadline scheduler, by topic and partition.");
    }

    /// <summary>Tags for a partition's scheduler, made once per activation (the partition number is boxed once).</summary>
    public static TagList PartitionTags(string topic, int partition) => new() { { "topic", topic }, { "partition", partition } };

    public void SessionClosed(CloseReason reason)
    {
        var index = (int)reason;
        if ((uint)index < (uint)ReasonTags.Length)
            _sessionsClosed.Add(1, ReasonTags[index]);
        else
            _sessionsClosed.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString()));
    }

    /// <summary>A delivery the grain completed (outputs acknowledged, state written), from <paramref name="startedAt"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void Delivered(long startedAt) => _deliveryDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalMilliseconds);

    /// <summary>A state write script that Redis answered, from <paramref name="startedAt"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void RedisWritten(long startedAt) => _redisWriteDuration.Record(Stopwatch.GetElapsedTime(startedAt).TotalMilliseconds);

    public void TimedOutByScheduler(in TagList partition) => _schedulerTimeouts.Add(1, partition);

    public void PurgedByScheduler(long devices, in TagList partition)
    {
        if (devices > 0)
            _schedulerPurges.Add(devices, partition);
    }

    public void Dispose() => _meter.Dispose();
}
