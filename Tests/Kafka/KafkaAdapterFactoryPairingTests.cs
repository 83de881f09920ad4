using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using Segmenter.Streaming.Kafka;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Kafka;

/// <summary>
/// A queue's receiver and the agent's cache of that queue are one pair whichever the agent creates first; a cache left
/// unpaired by a start that failed halfway is not handed to the next pair.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class KafkaAdapterFactoryPairingTests
{
    [Fact]
    public void Receiver_and_cache_of_a_queue_share_one_cache_in_either_order_and_each_queue_has_its_own()
    {
        using var factory = Factory();
        var queues = factory.GetStreamQueueMapper().GetAllQueues().ToList();

        var cacheFirst = factory.CreateQueueCache(queues[0]);
        var receiverSecond = factory.CreateReceiver(queues[0]);
        var receiverFirst = factory.CreateReceiver(queues[1]);
        var cacheSecond = factory.CreateQueueCache(queues[1]);

        Assert.Same(cacheFirst, receiverSecond.Cache);
        Assert.Same(cacheSecond, receiverFirst.Cache);
        Assert.NotSame(cacheFirst, cacheSecond);
    }

    [Fact]
    public void A_cache_whose_receiver_was_never_created_is_not_given_to_the_next_take_over()
    {
        using var factory = Factory();
        var queue = factory.GetStreamQueueMapper().GetAllQueues().First();

        var abandoned = factory.CreateQueueCache(queue); // the agent's start failed before its receiver
        var cache = factory.CreateQueueCache(queue);
        var receiver = factory.CreateReceiver(queue);

        Assert.Same(cache, receiver.Cache);
        Assert.NotSame(abandoned, cache);

        // And the next life of the queue gets a fresh pair.
        var next = factory.CreateQueueCache(queue);
        Assert.NotSame(cache, next);
        Assert.Same(next, factory.CreateReceiver(queue).Cache);
    }

    private static KafkaAdapterFactory Factory()
    {
        var options = new KafkaStreamOptions { BootstrapServers = "127.0.0.1:1" };
        options.Topics.Add(new KafkaTopicOptions("events") { Partitions = 2, Decoder = _ => new NoDecoder() });
        var services = new ServiceCollection().AddLogging().BuildServiceProvider();
        return new KafkaAdapterFactory("kafka", options, services);
    }

    private sealed class NoDecoder : IKafkaRecordDecoder
    {
        public ValueTask<KafkaDecodeResult> DecodeAsync(ConsumeResult<byte[], byte[]> record, CancellationToken cancellationToken) =>
            throw new NotSupportedException("nothing is read in this test");
    }
}
