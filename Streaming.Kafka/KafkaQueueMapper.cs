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

    public IEnumerable<QueueId> GetAllQueues() => _queues;

    public IEnumerable<QueueId> GetQueuesForRange(IRingRange range) =>
        _queues.Where(q => range.InRange(q.GetUniformHashCode()));

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
