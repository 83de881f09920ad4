using System.Text;
using Confluent.Kafka;
using Orleans.Runtime;
using Orleans.Streams;
using Segmenter.Streaming.Kafka;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Kafka;

/// <summary>
/// The queue mapper gives one queue per partition, spread over the ring; the partitioner the tests expect records in
/// is Kafka's, checked against the broker.
/// </summary>
[Collection(KafkaTestGroup.Name)]
public sealed class PartitionMappingTests(EmbeddedKafkaFixture kafka)
{
    [Fact]
    public async Task The_tests_partitioner_picks_the_partition_Kafka_put_the_records_in()
    {
        var topic = kafka.NewTopic("map", partitions: 7);
        var random = new Random(7);
        using var producer = kafka.NewProducer();

        for (var i = 0; i < 300; i++)
        {
            var key = $"device-{random.Next(1_000_000)}-{new string('x', random.Next(0, 9))}";
            var delivered = await producer.ProduceAsync(topic, new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(key), Value = [] });

            Assert.Equal(delivered.Partition.Value, Murmur2Partitioner.Partition(Encoding.UTF8.GetBytes(key), 7));
        }
    }

    [Fact]
    public void The_mapper_places_no_stream_Kafka_does()
    {
        var options = new KafkaTopicOptions("t") { StreamNamespace = "ns", Decoder = _ => throw new NotSupportedException() };
        var mapper = new KafkaQueueMapper("kafka", [(options, 7)]);

        var refused = Assert.Throws<NotSupportedException>(() => mapper.GetQueueForStream(StreamId.Create("ns", "device-1")));
        Assert.Contains("partitioner", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Queues_cover_every_partition_once_and_spread_over_the_ring()
    {
        var a = new KafkaTopicOptions("a") { Decoder = _ => throw new NotSupportedException() };
        var b = new KafkaTopicOptions("b") { Decoder = _ => throw new NotSupportedException() };
        var mapper = new KafkaQueueMapper("kafka", [(a, 3), (b, 5)]);

        var queues = mapper.GetAllQueues().ToList();
        Assert.Equal(8, queues.Count);
        Assert.Equal([("a", 0), ("a", 1), ("a", 2), ("b", 0), ("b", 1), ("b", 2), ("b", 3), ("b", 4)],
            queues.Select(q => mapper.PartitionOf(q)).Select(p => (p.Topic.Name, p.Partition)));
        var hashes = queues.Select(q => (ulong)q.GetUniformHashCode()).ToList();
        Assert.Equal(8, hashes.Distinct().Count());
        Assert.All(hashes.Zip(hashes.Skip(1)), pair => Assert.Equal((1UL << 32) / 8, pair.Second - pair.First, tolerance: 1));
    }
}
