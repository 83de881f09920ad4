using System.Diagnostics.Metrics;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Segmenter.Streaming.Kafka.Metrics;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Kafka;

/// <summary>
/// Lag that tells the truth: a partition whose consumer does not acknowledge shows up as stalled (figures and meters)
/// while it is, and not after; lag is counted against the committed offset; an idle partition keeps its commit alive.
/// </summary>
[Collection(KafkaTestGroup.Name)]
public sealed class KafkaPartitionHealthTests(EmbeddedKafkaFixture kafka)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_partition_whose_records_wait_for_their_consumer_is_reported_stalled_while_it_waits()
    {
        var topic = kafka.NewTopic("stall", partitions: 2);
        var run = topic;
        await using var cluster = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, run, topic, silos: 1,
            configure: o => o.StallThreshold = TimeSpan.FromSeconds(1));
        var metrics = cluster.Silos[0].ServiceProvider.GetRequiredService<KafkaStreamMetricsRegistry>().Get(KafkaTestCluster.Provider)!;
        using var stalledGauge = new GaugeReader(KafkaStreamMetrics.MeterName, "kafka.stream.partition.stalled");

        TestEventSink.HoldWhere(run, e => e.Value == "held");
        using (var producer = kafka.NewProducer())
        {
            producer.Produce(new TopicPartition(topic, 1), new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes("k"), Value = Encoding.UTF8.GetBytes("held") });
            producer.Flush(TimeSpan.FromSeconds(10));
        }

        await SegmenterPipelineWait(() => metrics.Snapshot().Stalled.Count == 1, "the partition reported stalled");
        var stalled = Assert.Single(metrics.Snapshot().Stalled);
        Assert.Equal((topic, 1), (stalled.Topic, stalled.Partition));
        Assert.Matches($@"^{topic}\[1\] for \d+ s$", stalled.ToString());
        Assert.Equal(1, stalledGauge.Read().Single(m => m.Partition == 1).Value);
        Assert.Equal(0, stalledGauge.Read().Single(m => m.Partition == 0).Value);
        Assert.True(metrics.Partitions.Single(p => p.Partition == 1).Lag >= 1, "the held record does not count as lag");

        TestEventSink.Release(run);
        await SegmenterPipelineWait(() => metrics.Snapshot().Stalled.Count == 0, "the stall to end");
        await SegmenterPipelineWait(() => metrics.Partitions.All(p => p.Lag == 0), "the lag to be committed away");
        Assert.All(stalledGauge.Read(), m => Assert.Equal(0, m.Value));
    }

    [Fact]
    public async Task A_partition_whose_read_waits_on_a_slow_dead_letter_write_is_reported_stalled_while_it_waits()
    {
        // The read holding the poison record waits for its dead letter (a 6 s linger makes the write slow); the agent
        // waits on that read and reports nothing meanwhile, so the receiver must: its records count as pending.
        var topic = kafka.NewTopic("slowdlqstall", partitions: 1);
        var run = topic;
        kafka.Cluster.CreateTopic($"{topic}-dlq", 1);
        using (var producer = kafka.NewProducer())
        {
            foreach (var value in new[] { "v0", "poison-1", "v2" })
                producer.Produce(topic, new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes("k"), Value = Encoding.UTF8.GetBytes(value) });
            producer.Flush(TimeSpan.FromSeconds(10));
        }

        await using var cluster = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, run, topic, silos: 1,
            configure: o => { o.StallThreshold = TimeSpan.FromSeconds(1); o.ProducerLinger = TimeSpan.FromSeconds(6); });
        var metrics = cluster.Silos[0].ServiceProvider.GetRequiredService<KafkaStreamMetricsRegistry>().Get(KafkaTestCluster.Provider)!;
        using var stalledGauge = new GaugeReader(KafkaStreamMetrics.MeterName, "kafka.stream.partition.stalled");

        await SegmenterPipelineWait(() => metrics.Snapshot().Stalled.Count == 1, "the partition reported stalled while its dead letter is written");
        Assert.Equal(0, kafka.Ends($"{topic}-dlq", 1)[0]); // still being written
        Assert.True(Assert.Single(metrics.Snapshot().Stalled).PendingEvents >= 1);
        Assert.Equal(1, Assert.Single(stalledGauge.Read()).Value);

        await SegmenterPipelineWait(() => TestEventSink.Of(run).Count == 2 && metrics.Snapshot().Stalled.Count == 0, "the read to be delivered and the stall to end");
        Assert.Equal(["v0", "v2"], TestEventSink.Of(run).Select(e => e.Value));
        Assert.Equal(1, kafka.Ends($"{topic}-dlq", 1)[0]);
    }

    [Fact]
    public async Task An_idle_partition_commits_its_offset_again_so_the_broker_never_forgets_it()
    {
        var topic = kafka.NewTopic("idle", partitions: 1);
        var run = topic;
        using (var producer = kafka.NewProducer())
        {
            for (var i = 0; i < 5; i++)
                producer.Produce(topic, new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes("k"), Value = Encoding.UTF8.GetBytes($"v{i}") });
            producer.Flush(TimeSpan.FromSeconds(10));
        }

        using var commits = new CounterReader(KafkaStreamMetrics.MeterName, "kafka.stream.offsets.committed", tags => Equals(tags.GetValueOrDefault("topic"), topic));
        var recommitInterval = TimeSpan.FromSeconds(1);
        await using var cluster = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, run, topic, silos: 1,
            configure: o => o.IdleRecommitInterval = recommitInterval);
        await TestEventSink.WaitForAsync(run, 5, Patience);
        await SegmenterPipelineWait(() => kafka.Committed(topic, 1, run)[0] == 5, "the commit of the five records");

        // Nothing new arrives: the witness is three more commits, which only the idle re-commit may make. They are spaced by
        // the re-commit interval, not by the 200 ms commit interval (half of it is left for thread-pool delays on a loaded
        // machine), and they commit the same offset.
        var whenIdle = commits.RecordedAt.Count;
        await SegmenterPipelineWait(() => commits.RecordedAt.Count >= whenIdle + 3, "three re-commits of the idle partition");
        var times = commits.RecordedAt;
        for (var i = whenIdle + 1; i < whenIdle + 3; i++)
        {
            var gap = System.Diagnostics.Stopwatch.GetElapsedTime(times[i - 1], times[i]);
            Assert.True(gap >= recommitInterval / 2, $"re-commits {gap.TotalMilliseconds:0} ms apart, the re-commit interval is {recommitInterval.TotalMilliseconds:0} ms");
        }

        Assert.Equal(5, kafka.Committed(topic, 1, run)[0]);
    }

    private static Task SegmenterPipelineWait(Func<bool> done, string what) =>
        Pipeline.SegmenterTestPipeline.WaitUntilAsync(done, Patience, what);

    /// <summary>Reads an observable gauge of the provider's meter, per partition.</summary>
    private sealed class GaugeReader : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(int Partition, double Value)> _measurements = [];

        public GaugeReader(string meter, string instrument)
        {
            _listener.InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == meter && i.Name == instrument)
                    l.EnableMeasurementEvents(i);
            };
            _listener.SetMeasurementEventCallback<int>((_, value, tags, _) => Record(value, tags));
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Record(value, tags));
            _listener.SetMeasurementEventCallback<double>((_, value, tags, _) => Record(value, tags));
            _listener.Start();
        }

        public IReadOnlyList<(int Partition, double Value)> Read()
        {
            lock (_measurements)
                _measurements.Clear();
            _listener.RecordObservableInstruments();
            lock (_measurements)
                return [.. _measurements];
        }

        public void Dispose() => _listener.Dispose();

        private void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var partition = -1;
            foreach (var tag in tags)
            {
                if (tag.Key == "partition" && tag.Value is int p)
                    partition = p;
            }

            lock (_measurements)
                _measurements.Add((partition, value));
        }
    }
}
