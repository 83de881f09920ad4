using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Segmenter.Streaming.Kafka.Metrics;

/// <summary>
/// The provider's figures, as <see cref="System.Diagnostics.Metrics"/> instruments (meter
/// <c>Segmenter.Streaming.Kafka</c>, for dashboards and <c>dotnet-counters</c>) and as running totals the host can
/// print (<see cref="Snapshot"/>). One per provider per process.
/// </summary>
public sealed class KafkaStreamMetrics : IDisposable
{
    /// <summary>The name of the provider's <see cref="Meter"/>, to enable in an exporter (<c>AddMeter(KafkaStreamMetrics.MeterName)</c>).</summary>
    public const string MeterName = "Segmenter.Streaming.Kafka";

    private readonly Meter _meter;
    private readonly Counter<long> _consumed;
    private readonly Counter<long> _produced;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _deadLetterLost;
    private readonly Counter<long> _skipped;
    private readonly Counter<long> _commits;
    private readonly Histogram<double> _commitDuration;
    private readonly KeyValuePair<string, object?> _providerTag;
    private readonly ConcurrentDictionary<(string Topic, int Partition), PartitionStatus> _partitions = new();
    private long _consumedTotal;
    private long _producedTotal;
    private long _deadLetteredTotal;
    private long _deadLetterLostTotal;
    private long _skippedTotal;
    private long _commitsTotal;
    private readonly TimeProvider _time;

    /// <summary>Creates the instruments of provider <paramref name="providerName"/>; every measurement is tagged <c>provider</c> with its name.</summary>
    /// <param name="providerName">The provider's name.</param>
    /// <param name="meterFactory">The host's meter factory; null creates a meter of its own.</param>
    /// <param name="stallThreshold">How long an undelivered record may wait before its partition counts as stalled; null: 30 s.</param>
    /// <param name="time">The clock for ages and stalls; null: the system clock.</param>
    public KafkaStreamMetrics(string providerName, IMeterFactory? meterFactory = null, TimeSpan? stallThreshold = null, TimeProvider? time = null)
    {
        ProviderName = providerName;
        StallThreshold = stallThreshold ?? TimeSpan.FromSeconds(30);
        _time = time ?? TimeProvider.System;
        _providerTag = new("provider", providerName);
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _consumed = _meter.CreateCounter<long>("kafka.stream.records.consumed", "{record}", "Records read from input partitions.");
        _produced = _meter.CreateCounter<long>("kafka.stream.records.produced", "{record}", "Records produced to output topics (acknowledged).");
        _deadLettered = _meter.CreateCounter<long>("kafka.stream.records.dead_lettered", "{record}", "Records sent to the dead-letter topic (undecodable, or delivery failed for good), by kind.");
        _deadLetterLost = _meter.CreateCounter<long>("kafka.stream.records.dead_letter_lost", "{record}",
            "Records given up on whose dead letter the topic refused in every shape (the error log names their source position).");
        _skipped = _meter.CreateCounter<long>("kafka.stream.records.skipped", "{record}", "Records lost to retention before they were read (offset out of range).");
        _commits = _meter.CreateCounter<long>("kafka.stream.offsets.committed", "{commit}", "Offset commits.");
        _commitDuration = _meter.CreateHistogram<double>("kafka.stream.commit.duration", "ms", "Time an offset commit took.");
        _meter.CreateObservableGauge("kafka.stream.partition.lag", ObserveLag, "{record}",
            "Consumer-group lag per owned partition: the log end minus the committed offset.");
        _meter.CreateObservableGauge("kafka.stream.partition.unread", () => Observe(p => p.Unread), "{record}",
            "Records in the partition not yet read, per owned partition.");
        _meter.CreateObservableGauge("kafka.stream.partition.pending", () => Observe(p => p.PendingEvents), "{event}",
            "Events read but not yet delivered to their consumers, per owned partition.");
        _meter.CreateObservableGauge("kafka.stream.partition.pending_age", () => Observe(p => p.PendingAge(_time.GetUtcNow()).TotalSeconds), "s",
            "How long the oldest record read but not yet delivered has waited, per owned partition.");
        _meter.CreateObservableGauge("kafka.stream.partition.stalled", () => Observe(p => IsStalled(p, _time.GetUtcNow()) ? 1 : 0), "{partition}",
            "1 while the partition's oldest undelivered record has waited longer than the stall threshold.");
    }

    /// <summary>The provider these figures belong to.</summary>
    public string ProviderName { get; }

    /// <summary>A partition whose oldest undelivered record has waited this long is stalled.</summary>
    public TimeSpan StallThreshold { get; }

    /// <summary>Counts <paramref name="count"/> records read from a partition (<c>kafka.stream.records.consumed</c>).</summary>
    /// <param name="topic">The input topic.</param>
    /// <param name="partition">The partition.</param>
    /// <param name="count">Records read.</param>
    public void Consumed(string topic, int partition, int count)
    {
        Interlocked.Add(ref _consumedTotal, count);
        _consumed.Add(count, _providerTag, new("topic", topic), new("partition", partition));
    }

    /// <summary>Counts <paramref name="count"/> records acknowledged by Kafka on an output topic (<c>kafka.stream.records.produced</c>).</summary>
    /// <param name="topic">The output topic.</param>
    /// <param name="count">Records acknowledged.</param>
    public void Produced(string topic, int count)
    {
        Interlocked.Add(ref _producedTotal, count);
        _produced.Add(count, _providerTag, new("topic", topic));
    }

    /// <summary>Counts one record written to the dead-letter topic (<c>kafka.stream.records.dead_lettered</c>, tagged by kind).</summary>
    /// <param name="topic">The topic the record was read from.</param>
    /// <param name="kind">Why: the decoder's poison kind, <c>DecoderFailed</c> or <c>DeliveryFailed</c>.</param>
    public void DeadLettered(string topic, string kind)
    {
        Interlocked.Increment(ref _deadLetteredTotal);
        _deadLettered.Add(1, _providerTag, new("topic", topic), new("kind", kind));
    }

    /// <summary>A record was given up on but no dead letter of it could be written (<c>kafka.stream.records.dead_letter_lost</c>).</summary>
    /// <param name="topic">The topic the record was read from.</param>
    /// <param name="kind">The dead letter's kind, as for <see cref="DeadLettered"/>.</param>
    public void DeadLetterLost(string topic, string kind)
    {
        Interlocked.Increment(ref _deadLetterLostTotal);
        _deadLetterLost.Add(1, _providerTag, new("topic", topic), new("kind", kind));
    }

    /// <summary>Counts records that retention deleted before they were read (<c>kafka.stream.records.skipped</c>).</summary>
    /// <param name="topic">The input topic.</param>
    /// <param name="partition">The partition.</param>
    /// <param name="count">Records lost between the committed offset and the earliest retained one.</param>
    public void Skipped(string topic, int partition, long count)
    {
        Interlocked.Add(ref _skippedTotal, count);
        _skipped.Add(count, _providerTag, new("topic", topic), new("partition", partition));
    }

    /// <summary>Counts one offset commit (<c>kafka.stream.offsets.committed</c>) and records how long it took (<c>kafka.stream.commit.duration</c>, ms).</summary>
    /// <param name="topic">The input topic.</param>
    /// <param name="partition">The partition.</param>
    /// <param name="duration">The commit's round trip.</param>
    public void Committed(string topic, int partition, TimeSpan duration)
    {
        Interlocked.Increment(ref _commitsTotal);
        _commits.Add(1, _providerTag, new("topic", topic), new("partition", partition));
        _commitDuration.Record(duration.TotalMilliseconds, _providerTag, new("topic", topic));
    }

    /// <summary>Publishes where a partition's reader stands (called by its receiver after each read).</summary>
    /// <param name="progress">The partition's latest status; replaces the previous one.</param>
    public void Report(PartitionStatus progress) => _partitions[(progress.Topic, progress.Partition)] = progress;

    /// <summary>The partition moved to another silo or the silo stops: no longer reported here.</summary>
    /// <param name="topic">The input topic.</param>
    /// <param name="partition">The partition.</param>
    public void Forget(string topic, int partition) => _partitions.TryRemove((topic, partition), out _);

    /// <summary>The partitions this process reads now.</summary>
    public IReadOnlyCollection<PartitionStatus> Partitions => [.. _partitions.Values];

    /// <summary>The running totals and the stalled partitions now, for a status line or a health check.</summary>
    public KafkaStreamStatistics Snapshot()
    {
        var now = _time.GetUtcNow();
        var partitions = _partitions.Values.ToList();
        return new(
            Interlocked.Read(ref _consumedTotal),
            Interlocked.Read(ref _producedTotal),
            Interlocked.Read(ref _deadLetteredTotal),
            Interlocked.Read(ref _deadLetterLostTotal),
            Interlocked.Read(ref _skippedTotal),
            Interlocked.Read(ref _commitsTotal),
            partitions.Count,
            partitions.Select(p => p.Lag).DefaultIfEmpty(0).Max(),
            [.. partitions.Where(p => IsStalled(p, now)).OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition)
                .Select(p => new StalledPartition(p.Topic, p.Partition, p.PendingAge(now), p.PendingEvents))]);
    }

    private bool IsStalled(PartitionStatus partition, DateTimeOffset now) => partition.PendingAge(now) >= StallThreshold;

    private IEnumerable<Measurement<T>> Observe<T>(Func<PartitionStatus, T> value) where T : struct =>
        _partitions.Values.Select(p => new Measurement<T>(value(p), _providerTag, new("topic", p.Topic), new("partition", p.Partition)));

    /// <summary>Disposes the meter, which ends its instruments' reporting.</summary>
    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveLag() =>
        _partitions.Values.Select(p => new Measurement<long>(p.Lag, _providerTag, new("topic", p.Topic), new("partition", p.Partition)));
}
