using System.Text;
using Orleans.Runtime;
using Orleans.Streams;

namespace Segmenter.Streaming.Kafka;

/// <summary>
/// One Orleans queue per partition of every input topic. Queues are spread evenly over the consistent hash ring,
/// so the Orleans queue balancer hands each silo a fair share of partitions and moves them as silos come and go.
/// A stream maps to the queue of the partition Kafka's partitioner picks for the stream's key bytes.
/// </summary>
public sealed class KafkaQueueMapper : IConsistentRingStreamQueueMapper
{
    private readonly QueueId[] _queues;
    private readonly Dictionary<QueueId, (KafkaTopicOptions Topic, int Partition)> _partitions = [];
    private readonly Dictionary<string, (KafkaTopicOptions Topic, int Partitions, int FirstQueue)> _topicsByNamespace = new(StringComparer.Ordinal);

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
            _topicsByNamespace[topic.Namespace] = (topic, partitions, index);
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

    /// <summary>
    /// The queue of the partition a record of <paramref name="streamId"/> lands in: Kafka's murmur2 partitioner over the
    /// stream's key bytes (<see cref="KafkaTopicOptions.PartitionKey"/>, by default the key's UTF-8 bytes), as a producer
    /// keying records by the stream key would pick.
    /// </summary>
    /// <param name="streamId">A stream of an input topic's namespace.</param>
    /// <exception cref="ArgumentException">No input topic carries the stream's namespace.</exception>
    public QueueId GetQueueForStream(StreamId streamId)
    {
        var ns = streamId.GetNamespace() ?? "";
        if (!_topicsByNamespace.TryGetValue(ns, out var input))
            throw new ArgumentException($"No input topic carries stream namespace '{ns}'.", nameof(streamId));
        var key = input.Topic.PartitionKey?.Invoke(streamId) ?? Encoding.UTF8.GetBytes(streamId.GetKeyAsString());
        return _queues[input.FirstQueue + Murmur2Partitioner.Partition(key, input.Partitions)];
    }

    /// <summary>The topic and partition a queue reads.</summary>
    public (KafkaTopicOptions Topic, int Partition) PartitionOf(QueueId queueId) =>
        _partitions.TryGetValue(queueId, out var partition)
            ? partition
            : throw new ArgumentException($"Queue {queueId} is not a queue of this provider.", nameof(queueId));
}
