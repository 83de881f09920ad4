namespace Segmenter.Tests.Infrastructure;

/// <summary>
/// Kafka's default partitioner for keyed records: <c>toPositive(murmur2(keyBytes)) % partitions</c>, as in the
/// Java client and in librdkafka's <c>murmur2_random</c> (which the provider configures on its producers): where the
/// tests expect a key's records to be (checked against the broker by <c>PartitionMappingTests</c>).
/// </summary>
public static class Murmur2Partitioner
{
    /// <summary>The partition Kafka's default partitioner picks for a record keyed <paramref name="key"/>.</summary>
    /// <param name="key">The record's key bytes.</param>
    /// <param name="partitions">The topic's partition count, at least 1.</param>
    /// <returns>A partition number from 0 to <paramref name="partitions"/> - 1.</returns>
    public static int Partition(ReadOnlySpan<byte> key, int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        return (int)((uint)Murmur2(key) & 0x7fffffff) % partitions;
    }

    /// <summary>Kafka's murmur2 (seed 0x9747b28c), bit for bit.</summary>
    public static int Murmur2(ReadOnlySpan<byte> data)
    {
        const uint m = 0x5bd1e995;
        const int r = 24;
        var length = data.Length;
        var h = 0x9747b28c ^ (uint)length;

        var blocks = length / 4;
        for (var i = 0; i < blocks; i++)
        {
            var k = (uint)(data[i * 4] | (data[(i * 4) + 1] << 8) | (data[(i * 4) + 2] << 16) | (data[(i * 4) + 3] << 24));
            k *= m;
            k ^= k >> r;
            k *= m;
            h *= m;
            h ^= k;
        }

        var tail = length & ~3;
        switch (length % 4)
        {
            case 3:
                h ^= (uint)data[tail + 2] << 16;
                goto case 2;
            case 2:
                h ^= (uint)data[tail + 1] << 8;
                goto case 1;
            case 1:
                h ^= data[tail];
                h *= m;
                break;
        }

        h ^= h >> 13;
        h *= m;
        h ^= h >> 15;
        return (int)h;
    }
}
