using System.Text;
using Confluent.Kafka;
using Segmenter.Streaming.Kafka.Metrics;
using Segmenter.Streaming.Kafka.Receiving;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Kafka;

/// <summary>Commits against the broker: the hand-over commit is exactly what the cache says was handed over, never more, never backwards.</summary>
[Collection(KafkaTestGroup.Name)]
public sealed class OffsetCommitterTests(EmbeddedKafkaFixture kafka)
{
    [Fact]
    public async Task The_hand_over_commit_stops_at_the_hand_over_offset_even_after_a_higher_offer()
    {
        var topic = kafka.NewTopic("committer", partitions: 1);
        using (var producer = kafka.NewProducer())
        {
            for (var i = 0; i < 30; i++)
                producer.Produce(topic, new Message<byte[], byte[]> { Key = "k"u8.ToArray(), Value = Encoding.UTF8.GetBytes($"v{i}") });
            producer.Flush(TimeSpan.FromSeconds(10));
        }

        var group = $"committer-{Guid.NewGuid():N}";
        var partition = new TopicPartition(topic, 0);
        using var consumer = kafka.NewConsumer(group);
        consumer.Assign(new TopicPartitionOffset(partition, 0));
        var committer = new OffsetCommitter(consumer, partition, TimeSpan.FromHours(1), TimeSpan.FromHours(1), new KafkaStreamMetrics($"committer-{group}"), new RecordingLogger());

        committer.Offer(9); // the first offer commits at once
        await Pipeline.SegmenterTestPipeline.WaitUntilAsync(() => committer.Committed == 10, TimeSpan.FromSeconds(30), "the first commit");
        committer.Offer(19); // within the interval: only remembered

        // What the cache's committable offset counted (19) includes a container no cursor claimed; the hand-over stops at 14.
        await committer.FlushAsync(14);
        Assert.Equal((15, 15L), (committer.Committed, kafka.Committed(topic, 1, group)[0]));

        await committer.FlushAsync(5); // never backwards
        Assert.Equal(15, kafka.Committed(topic, 1, group)[0]);
    }
}
