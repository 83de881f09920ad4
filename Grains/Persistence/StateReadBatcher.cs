using StackExchange.Redis;

namespace Segmenter.Grains.Persistence;

/// <summary>
/// Reads the states of many devices in one script call: activations that start together (a partition's new devices)
/// share a round trip, most of them finding nothing.
/// </summary>
public sealed class StateReadBatcher(RedisConnection redis) : RoundTripBatcher<RedisKey, (RedisValue ETag, RedisValue Data)>
{
    private const string Script = """
        local results = {}
        for i, key in ipairs(KEYS) do
          results[i] = redis.call('HMGET', key, 'etag', 'data')
        end
        return results
        """;

    protected override async Task<IReadOnlyList<Outcome>> ExecuteAsync(IReadOnlyList<RedisKey> requests)
    {
        var db = await redis.DatabaseAsync().ConfigureAwait(false);
        var results = (RedisResult[])(await db.ScriptEvaluateAsync(Script, [.. requests]).ConfigureAwait(false))!;
        var outcomes = new Outcome[requests.Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            var fields = (RedisValue[])results[i]!;
            outcomes[i] = Succeeded((fields[0], fields[1]));
        }

        return outcomes;
    }
}
