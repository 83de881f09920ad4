using Segmenter.Grains.Segmentation;

namespace Segmenter.Grains.Persistence;

/// <summary>What the device storage writes into its partition's deadline index with a device's state.</summary>
/// <param name="Partition">The input partition the device's records come from (the index it belongs to).</param>
/// <param name="LastOffset">The offset of its last record: a purge waits until the partition's commit has passed it.</param>
/// <param name="Deadlines">Its deadlines; absent ones are removed from the index.</param>
public readonly record struct DeadlineIndexEntry(int Partition, long LastOffset, DeviceDeadlines Deadlines);

/// <summary>A stored state that belongs in a partition's deadline index.</summary>
public interface IDeadlineIndexed
{
    /// <summary>Null when the state has no position yet (nothing to index).</summary>
    DeadlineIndexEntry? IndexEntry { get; }
}
