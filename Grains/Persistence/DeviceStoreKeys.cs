using System.Globalization;
using StackExchange.Redis;

namespace Segmenter.Grains.Persistence;

/// <summary>
/// Where Segmenter keeps things in Redis, all under the Orleans service id. The one place that knows the names, so
/// that the storage that writes a device and the scheduler that purges it agree.
/// </summary>
/// <remarks>
/// A device's state: hash <c>{service}/state/devicesession/{device}/device</c> (fields <c>etag</c>, <c>data</c>, and
/// <c>pos</c>, the offset of its last record), the layout of Orleans' Redis grain storage plus <c>pos</c>. The
/// deadline index of an input partition: three sorted sets of device ids,
/// <c>{service}/deadlines/{topic}/{partition}/stream</c> (score: the event-time deadline of the open session),
/// <c>.../arrival</c> (the processing-time deadline) and <c>.../purge</c> (when a device without an open session may
/// be forgotten), all in milliseconds since 1970; and the scheduler's last known clock, hash <c>.../clock</c>.
/// </remarks>
public sealed class DeviceStoreKeys(string serviceId, string eventsTopic)
{
    private const string GrainType = "devicesession";
    private const string StateName = "device";

    // Every state write names its partition's three index sets: built once per partition, not per write.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, PartitionKeys> _partitions = new();

    public string ServiceId { get; } = serviceId;

    public string EventsTopic { get; } = eventsTopic;

    /// <summary>What precedes a device id in its state key.</summary>
    public string StatePrefix => $"{ServiceId}/state/{GrainType}/";

    /// <summary>What follows a device id in its state key.</summary>
    public static string StateSuffix => $"/{StateName}";

    public RedisKey State(string deviceId) => StatePrefix + deviceId + StateSuffix;

    public RedisKey StreamDeadlines(int partition) => Keys(partition).Stream;

    public RedisKey ArrivalDeadlines(int partition) => Keys(partition).Arrival;

    public RedisKey PurgeDue(int partition) => Keys(partition).Purge;

    public RedisKey Clock(int partition) => Keys(partition).Clock;

    /// <summary>Scores are milliseconds since 1970 (exact in a double for any date a device can send).</summary>
    public static double Score(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromScore(double score) => DateTimeOffset.FromUnixTimeMilliseconds((long)score);

    private PartitionKeys Keys(int partition) => _partitions.GetOrAdd(partition, static (p, self) =>
    {
        var prefix = string.Create(CultureInfo.InvariantCulture, $"{self.ServiceId}/deadlines/{self.EventsTopic}/{p}");
        return new PartitionKeys(prefix + "/stream", prefix + "/arrival", prefix + "/purge", prefix + "/clock");
    }, this);

    private sealed record PartitionKeys(RedisKey Stream, RedisKey Arrival, RedisKey Purge, RedisKey Clock);
}
