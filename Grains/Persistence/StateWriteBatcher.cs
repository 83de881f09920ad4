using StackExchange.Redis;

namespace Segmenter.Grains.Persistence;

/// <summary>
/// Writes the states of many devices in one script call (group commit). Each write keeps its own etag check and its
/// own index entry, exactly as a script call of its own would: the batch is only a way of sending them.
/// </summary>
public sealed class StateWriteBatcher(RedisConnection redis) : RoundTripBatcher<StateWrite, bool>
{
    // ARGV[1]: the number of writes; then per write: key count, expected etag, new etag, data, device, last offset, one
    // score per index key ('' = leave the set). KEYS: per write, the state hash and its index sets. Result per write:
    // 1 written, 0 etag conflict (nothing written).
    private const string Script = """
        local results = {}
        local k, a = 0, 1
        for w = 1, tonumber(ARGV[1]) do
          local nkeys = tonumber(ARGV[a + 1])
          local stored = redis.call('HGET', KEYS[k + 1], 'etag')
          if (not stored and ARGV[a + 2] == '') or stored == ARGV[a + 2] then
            redis.call('HSET', KEYS[k + 1], 'etag', ARGV[a + 3], 'data', ARGV[a + 4], 'pos', ARGV[a + 6])
            for i = 2, nkeys do
              local score = ARGV[a + 5 + i]
              if score == '' then
                redis.call('ZREM', KEYS[k + i], ARGV[a + 5])
              else
                redis.call('ZADD', KEYS[k + i], score, ARGV[a + 5])
              end
            end
            results[w] = 1
          else
            results[w] = 0
          end
          k = k + nkeys
          a = a + 6 + (nkeys - 1)
        end
        return results
        """;

    protected override async Task<IReadOnlyList<Outcome>> ExecuteAsync(IReadOnlyList<StateWrite> requests)
    {
        var keys = new List<RedisKey>(requests.Count * 4);
        var args = new List<RedisValue>(1 + (requests.Count * 9)) { requests.Count };
        foreach (var write in requests)
        {
            keys.AddRange(write.Keys);
            args.Add(write.Keys.Length);
            args.Add(write.ExpectedETag);
            args.Add(write.NewETag);
            args.Add(write.Data);
            args.Add(write.Device);
            args.Add(write.LastOffset);
            args.AddRange(write.Scores);
        }

        var db = await redis.DatabaseAsync().ConfigureAwait(false);
        var results = (RedisResult[])(await db.ScriptEvaluateAsync(Script, [.. keys], [.. args]).ConfigureAwait(false))!;
        var outcomes = new Outcome[requests.Count];
        for (var i = 0; i < outcomes.Length; i++)
            outcomes[i] = Succeeded((int)results[i] == 1);
        return outcomes;
    }
}
