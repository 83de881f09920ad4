using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Segmenter.Grains.Metrics;
using Segmenter.Grains.Persistence;
using StackExchange.Redis;

namespace Segmenter.Persistence.Redis;

/// <summary>
/// Orleans grain storage for device state in Redis that writes the device's entry in its partition's deadline index in
/// the same script as the state, so the two can never disagree: a session that is open in the state has its
/// deadlines in the index, and a closed one has none (the deadline scheduler depends on it; a crash between two
/// separate writes could leave a session that never times out). The state layout is that of Orleans' Redis grain
/// storage (hash with <c>etag</c> and <c>data</c>, optimistic concurrency on the etag) plus the last offset.
/// </summary>
public sealed partial class RedisDeviceStorage(
    DeviceStoreKeys keys,
    RedisConnection redis,
    IGrainStorageSerializer serializer,
    SessionMetrics metrics,
    ILogger<RedisDeviceStorage> logger) : IGrainStorage
{
    // KEYS: state, stream, arrival, purge. ARGV: etag, new etag, data, device, last offset, three scores ('' = remove).
    private const string WriteScript = """
        local etag = redis.call('HGET', KEYS[1], 'etag')
        if not ((not etag and ARGV[1] == '') or etag == ARGV[1]) then
          return -1
        end
        redis.call('HSET', KEYS[1], 'etag', ARGV[2], 'data', ARGV[3], 'pos', ARGV[5])
        for i = 2, #KEYS do
          if ARGV[4 + i] == '' then
            redis.call('ZREM', KEYS[i], ARGV[4])
          else
            redis.call('ZADD', KEYS[i], ARGV[4 + i], ARGV[4])
          end
        end
        return 0
        """;

    // KEYS: state, then the index sets to leave. ARGV: etag, device.
    private const string ClearScript = """
        local etag = redis.call('HGET', KEYS[1], 'etag')
        if etag and etag ~= ARGV[1] then
          return -1
        end
        redis.call('DEL', KEYS[1])
        for i = 2, #KEYS do
          redis.call('ZREM', KEYS[i], ARGV[2])
        end
        return 0
        """;

    private readonly ILogger _logger = logger;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = keys.State(DeviceOf(grainId));
        var db = await redis.DatabaseAsync();
        var fields = await db.HashGetAsync(key, ["etag", "data"]);
        if (fields[0].IsNull || fields[1].IsNull)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.State = serializer.Deserialize<T>(new BinaryData((byte[])fields[1]!));
        grainState.ETag = fields[0];
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var device = DeviceOf(grainId);
        var newEtag = Guid.NewGuid().ToString("N");
        var data = serializer.Serialize(grainState.State).ToArray();
        RedisKey[] scriptKeys;
        RedisValue[] args;
        if (grainState.State is IDeadlineIndexed { IndexEntry: { } entry })
        {
            scriptKeys = [keys.State(device), keys.StreamDeadlines(entry.Partition), keys.ArrivalDeadlines(entry.Partition), keys.PurgeDue(entry.Partition)];
            args = [grainState.ETag ?? "", newEtag, data, device, entry.LastOffset,
                Score(entry.Deadlines.EventDeadline), Score(entry.Deadlines.ArrivalDeadline), Score(entry.Deadlines.PurgeDue)];
        }
        else
        {
            scriptKeys = [keys.State(device)];
            args = [grainState.ETag ?? "", newEtag, data, device, -1];
        }

        var db = await redis.DatabaseAsync();
        var started = Stopwatch.GetTimestamp();
        var result = (int)await db.ScriptEvaluateAsync(WriteScript, scriptKeys, args);
        metrics.RedisWritten(started);
        if (result == -1)
            throw Conflict(nameof(WriteStateAsync), device, grainState.ETag);
        grainState.ETag = newEtag;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var device = DeviceOf(grainId);
        RedisKey[] scriptKeys = grainState.State is IDeadlineIndexed { IndexEntry: { } entry }
            ? [keys.State(device), keys.StreamDeadlines(entry.Partition), keys.ArrivalDeadlines(entry.Partition), keys.PurgeDue(entry.Partition)]
            : [keys.State(device)];
        var db = await redis.DatabaseAsync();
        var result = (int)await db.ScriptEvaluateAsync(ClearScript, scriptKeys, [grainState.ETag ?? "", device]);
        if (result == -1)
            throw Conflict(nameof(ClearStateAsync), device, grainState.ETag);
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private static string DeviceOf(GrainId grainId) => grainId.Key.ToString()!;

    private static RedisValue Score(DateTimeOffset? time) => time is { } t ? DeviceStoreKeys.Score(t) : RedisValue.EmptyString;

    private InconsistentStateException Conflict(string operation, string device, string? etag)
    {
        LogConflict(operation, device, etag);
        return new InconsistentStateException($"Version conflict ({operation}) on the state of device '{device}': the stored etag is not {etag ?? "(none)"}.");
    }

    [LoggerMessage(LogLevel.Warning, "{Operation} of device {Device}: the stored state changed underneath (expected etag {ETag}); the activation reads it again", EventId = 3100)]
    private partial void LogConflict(string operation, string device, string? etag);
}
