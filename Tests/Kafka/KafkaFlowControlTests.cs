using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Segmenter.Streaming.Kafka.Metrics;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Kafka;

/// <summary>Backpressure and retention: memory stays bounded with a slow consumer; data lost to retention is counted, not hidden.</summary>
[Collection(KafkaTestGroup.Name)]
public sealed class KafkaFlowControlTests(EmbeddedKafkaFixture kafka)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_slow_consumer_pauses_reading_and_the_cache_stays_within_its_bound()
    {
        var topic = kafka.NewTopic("slow", partitions: 1);
        var run = topic;
        using (var producer = kafka.NewProducer())
        {
            for (var i = 0; i < 3_000; i++)
                producer.Produce(topic, new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes($"k{i % 3}"), Value = Encoding.UTF8.GetBytes($"v{i}") });
            producer.Flush(TimeSpan.FromSeconds(30));
        }

        // Every event takes a while to acknowledge: the consumer is slower than the partition.
        TestEventSink.HoldWhere(run, _ => true);
        await using var cluster = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, run, topic, silos: 1,
            configure: o => { o.CacheSize = 200; o.MaxBatchSize = 100; });
        var metrics = cluster.Silos[0].ServiceProvider.GetRequiredService<KafkaStreamMetricsRegistry>().Get(KafkaTestCluster.Provider)!;

        // Witness: the cache filled to its bound of 200 (reading happened, nothing was acknowledged). It counts from there,
        // not from the start of the silo, which may take seconds on a loaded machine before it reads anything.
        var maxPending = 0;
        await Pipeline.SegmenterTestPipeline.WaitUntilAsync(() => (maxPending = Math.Max(maxPending, metrics.Partitions.Sum(p => p.PendingEvents))) >= 200,
            Patience, "the cache filled to its bound");
        // Then, for a second with the cache full (a margin: the pulling agent tries to read every 100 ms), reading stays
        // paused: never more than the bound plus the one read of 100 that crossed it, of the 3,000 records waiting.
        var full = System.Diagnostics.Stopwatch.StartNew();
        while (full.Elapsed < TimeSpan.FromSeconds(1))
        {
            maxPending = Math.Max(maxPending, metrics.Partitions.Sum(p => p.PendingEvents));
            await Task.Delay(20);
        }

        var readWhileStalled = metrics.Partitions.Single().Position;
        Assert.InRange(maxPending, 200, 200 + 100);
        Assert.InRange(readWhileStalled, 200, 300);

        TestEventSink.Release(run);
        var received = await TestEventSink.WaitForAsync(run, 3_000, Patience);
        Assert.Equal(3_000, received.Select(e => e.Value).Distinct().Count());
    }

    [Fact]
    public async Task A_committed_offset_deleted_by_retention_is_logged_and_counted_and_reading_resumes_at_the_earliest()
    {
        var topic = kafka.NewTopic("retention", partitions: 1);
        var run = topic;
        using (var consumer = kafka.NewConsumer(run))
            consumer.Commit([new TopicPartitionOffset(topic, 0, 0)]);

        // The embedded broker keeps the newest 5 MiB per partition: 8 MiB in 64 KiB records pushes the first out.
        using (var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, LingerMs = 0 }).Build())
        {
            var value = new byte[64 * 1024];
            for (var i = 0; i < 128; i++)
                await producer.ProduceAsync(topic, new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes("k"), Value = value });
        }

        using var admin = kafka.NewConsumer(run);
        var low = admin.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10)).Low.Value;
        Assert.True(low > 0, "the broker should have deleted the oldest records");

        await using var cluster = await KafkaTestCluster.StartAsync(kafka.BootstrapServers, run, topic, silos: 1);
        var received = await TestEventSink.WaitForAsync(run, (int)(128 - low), Patience);
        var metrics = cluster.Silos[0].ServiceProvider.GetRequiredService<KafkaStreamMetricsRegistry>().Get(KafkaTestCluster.Provider)!;

        Assert.Equal(low, metrics.Snapshot().RecordsSkipped);
        Assert.Equal(low, received.Min(e => e.Offset));
        Assert.Equal(128 - low, received.Count);
    }
}
