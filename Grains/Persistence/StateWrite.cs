using StackExchange.Redis;

namespace Segmenter.Grains.Persistence;

/// <summary>
/// One device's state write as <see cref="StateWriteBatcher"/> sends it: the state key and, for a device with a
/// position, its partition's three index sets; the expected and new etag, the data, and the index scores.
/// </summary>
/// <param name="Keys">The state hash, then the stream, arrival and purge sets of the partition (or none of them).</param>
/// <param name="Scores">One per index set in <paramref name="Keys"/>: the score, or empty to leave the set.</param>
public sealed record StateWrite(RedisKey[] Keys, string ExpectedETag, string NewETag, byte[] Data, string Device, long LastOffset, RedisValue[] Scores);
