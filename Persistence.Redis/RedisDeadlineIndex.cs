using System.Globalization;
using Segmenter.Grains.Persistence;
using Segmenter.Partitions;
using StackExchange.Redis;

namespace Segmenter.Persistence.Redis;

/// <summary>
/// The partitions' deadline indexes in Redis (written by <see cref="RedisDeviceStorage"/> with every state), as the
/// grains and schedulers see them: which devices are due, forgetting idle devices without activating them, and the
/// scheduler's last known clock.
/// </summary>
public sealed class RedisDeadlineIndex(DeviceStoreKeys keys, RedisConnection redis) : IDeadlineIndex
{
    // KEYS: purge set. ARGV: now (score), committed offset, state key prefix, state key suffix, limit.
    // A device is forgotten only once its last record is below the committed offset: a record that can still be
    // replayed must find the dedupe marks, or it would re-open its session under a new id.
    private const string PurgeScript = """
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[5]))
        local purged = 0
        local committed = tonumber(ARGV[2])
        for _, device in ipairs(due) do
          local key = ARGV[3] .. device .. ARGV[4]
          local pos = redis.call('HGET', key, 'pos')
          if not pos then
            redis.call('ZREM', KEYS[1], device)
          elseif tonumber(pos) < committed then
            redis.call('DEL', key)
            redis.call('ZREM', KEYS[1], device)
            purged = purged + 1
          end
        end
        return purged
        """;

    // KEYS: purge set. ARGV: device, new score. Postpones a purge that has not happened yet; 0 when there is none to postpone.
    private const string TouchScript = """
        if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
          redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
          return 1
        end
        return 0
        """;

    // KEYS: stream set, arrival set. ARGV: device, the bounds the entries were found due under.
    private const string ForgetScript = """
        for i = 1, 2 do
          local score = redis.call('ZSCORE', KEYS[i], ARGV[1])
          if score and tonumber(score) <= tonumber(ARGV[i + 1]) then
            redis.call('ZREM', KEYS[i], ARGV[1])
          end
        end
        return 0
        """;

    /// <inheritdoc/>
    public async Task<IReadOnlyCollection<string>> DueAsync(int partition, PartitionClock clock, DateTimeOffset now, int limit)
    {
        var db = await redis.DatabaseAsync();
        var nowScore = DeviceStoreKeys.Score(now);
        var byArrival = ArrivalBound(clock, now) is { } bound
            ? db.SortedSetRangeByScoreAsync(keys.ArrivalDeadlines(partition), double.NegativeInfinity, bound, take: limit)
            : Task.FromResult(Array.Empty<RedisValue>());
        var byStream = clock.StreamTime is { } streamTime
            ? db.SortedSetRangeByScoreAsync(keys.StreamDeadlines(partition), double.NegativeInfinity, DeviceStoreKeys.Score(streamTime), Exclude.Stop, take: limit)
            : Task.FromResult(Array.Empty<RedisValue>());
        var due = new HashSet<string>(StringComparer.Ordinal);
        foreach (var device in await byArrival)
            due.Add(device!);

        // Stream time counts only once the processing-time deadline has passed (see SessionSegmenter.Decide).
        var candidates = (await byStream).Where(d => !due.Contains(d!)).ToArray();
        if (candidates.Length > 0)
        {
            var arrivals = await db.SortedSetScoresAsync(keys.ArrivalDeadlines(partition), candidates);
            for (var i = 0; i < candidates.Length; i++)
            {
                if (arrivals[i] is { } arrival && arrival <= nowScore)
                    due.Add(candidates[i]!);
            }
        }

        return due;
    }

    /// <inheritdoc/>
    public async Task<int> PurgeAsync(int partition, DateTimeOffset now, long committedUpTo, int limit)
    {
        if (committedUpTo < 0)
            return 0;
        var db = await redis.DatabaseAsync();
        var purged = await db.ScriptEvaluateAsync(PurgeScript, [keys.PurgeDue(partition)],
            [DeviceStoreKeys.Score(now), committedUpTo, keys.StatePrefix, DeviceStoreKeys.StateSuffix, limit]);
        return (int)purged;
    }

    /// <inheritdoc/>
    public async Task<bool> PostponePurgeAsync(int partition, string device, DateTimeOffset until)
    {
        var db = await redis.DatabaseAsync();
        return (int)await db.ScriptEvaluateAsync(TouchScript, [keys.PurgeDue(partition)], [device, DeviceStoreKeys.Score(until)]) == 1;
    }

    /// <inheritdoc/>
    public async Task ForgetStaleAsync(int partition, string device, PartitionClock clock, DateTimeOffset now)
    {
        var streamBound = clock.StreamTime is { } streamTime ? DeviceStoreKeys.Score(streamTime) : double.NegativeInfinity;
        var arrivalBound = ArrivalBound(clock, now) ?? double.NegativeInfinity;
        var db = await redis.DatabaseAsync();
        await db.ScriptEvaluateAsync(ForgetScript, [keys.StreamDeadlines(partition), keys.ArrivalDeadlines(partition)],
            [device, streamBound.ToString("R", CultureInfo.InvariantCulture), arrivalBound.ToString("R", CultureInfo.InvariantCulture)]);
    }

    /// <inheritdoc/>
    public async Task<PartitionClock> LoadClockAsync(int partition)
    {
        var db = await redis.DatabaseAsync();
        var fields = await db.HashGetAsync(keys.Clock(partition), ["stream", "caughtUp", "committed"]);
        return new PartitionClock(Time(fields[0]), Time(fields[1]), fields[2].IsNull ? -1 : (long)fields[2]);
    }

    /// <inheritdoc/>
    public async Task SaveClockAsync(int partition, PartitionClock clock)
    {
        var db = await redis.DatabaseAsync();
        var entries = new List<HashEntry> { new("committed", clock.CommittedUpTo) };
        if (clock.StreamTime is { } streamTime)
            entries.Add(new("stream", DeviceStoreKeys.Score(streamTime)));
        if (clock.CaughtUpAt is { } caughtUp)
            entries.Add(new("caughtUp", DeviceStoreKeys.Score(caughtUp)));
        await db.HashSetAsync(keys.Clock(partition), [.. entries]);
    }

    /// <summary>Processing-time deadlines count up to the moment the partition was caught up, and never beyond now.</summary>
    private static double? ArrivalBound(PartitionClock clock, DateTimeOffset now) =>
        clock.CaughtUpAt is { } caughtUp ? DeviceStoreKeys.Score(caughtUp < now ? caughtUp : now) : null;

    private static DateTimeOffset? Time(RedisValue value) => value.IsNull ? null : DeviceStoreKeys.FromScore((double)value);
}
