using Orleans.Runtime;
using Orleans.Streams;

namespace Segmenter.Streaming.Kafka;

/// <summary>
/// One Orleans queue per partition of every input topic, in order (the provider's <see cref="Handover.EvenPartitionBalancer"/>
/// shares them out by that order). Queues are also spread evenly over the consistent hash ring, for an application that
/// chooses Orleans' consistent-ring balancer instead.
/// </summary>
/// <remarks>
/// Orleans asks a queue mapper for its queues (<see cref="GetAllQueues"/>, <see cref="GetQueuesForRange"/>: the queue
/// balancers, for the pulling agents). It asks it for a stream's queue only from an adapter that places events in its
/// queues itself (Orleans' memory streams do); this provider's adapter produces to Kafka, whose partitioner places
/// each record, and a stream's events reach whichever queue reads the partition they were written to. So there is no
/// stream-to-queue mapping to answer for.
/// </remarks>
public sealed class KafkaQueueMapper : IConsistentRingStreamQueueMapper
{
    private readonly QueueId[] _queues;
    private readonly Dictionary<QueueId, (KafkaTopicOptions Topic, int Partition)> _partitions = [];

    /// <summary>Lays out the queues of provider <paramref name="providerName"/>: one per partition of each input topic, in order.</summary>
    /// <param name="providerName">The provider's name, part of each queue's name.</param>
    /// <param name="inputs">The input topics with their partition counts (given in the options or discovered from the broker).</param>
    public KafkaQueueMapper(string providerName, IReadOnlyList<(KafkaTopicOptions Topic, int Partitions)> inputs)
    {
        var total = inputs.Sum(i => i.Partitions);
        _queues = new QueueId[total];
        var index = 0;
        foreach (var (topic, partitions) in inputs)
        {
            for (var p = 0; p < partitions; p++, index++)
            {
                // Even spread over the 32-bit ring: queue i of N sits at i * 2^32 / N.
                var hash = (uint)(((ulong)index << 32) / (ulong)total);
                var queue = QueueId.GetQueueId($"{providerName}-{topic.Name}", (uint)index, hash);
                _queues[index] = queue;
                _partitions[queue] = (topic, p);
            }
        }
    }

    /// <summary>Every queue, one per input partition, topic by topic in the options' order.</summary>
    public IEnumerable<QueueId> GetAllQueues() => _queues;

    /// <summary>The queues whose position on the ring falls in <paramref name="range"/>: what the queue balancer gives a silo.</summary>
    /// <param name="range">A silo's share of the consistent hash ring.</param>
    public IEnumerable<QueueId> GetQueuesForRange(IRingRange range) =>
        _queues.Where(q => range.InRange(q.GetUniformHashCode()));

    /// <summary>Not answered: the partition of a stream's records is Kafka's to pick (see the remarks).</summary>
    public QueueId GetQueueForStream(StreamId streamId) =>
        throw new NotSupportedException(
            $"The Kafka stream provider does not place streams in queues: events of stream {streamId} go to the partition Kafka's partitioner picks for their key, and the queue of that partition reads them.");

    /// <summary>The topic and partition a queue reads.</summary>
    public (KafkaTopicOptions Topic, int Partition) PartitionOf(QueueId queueId) =>
        _partitions.TryGetValue(queueId, out var partition)
            ? partition
            : throw new ArgumentException($"Queue {queueId} is not a queue of this provider.", nameof(queueId));
}
