using System.Globalization;
using StackExchange.Redis;

namespace Segmenter.Persistence.Redis;

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

    public string ServiceId { get; } = serviceId;

    public string EventsTopic { get; } = eventsTopic;

    /// <summary>What precedes a device id in its state key.</summary>
    public string StatePrefix => $"{ServiceId}/state/{GrainType}/";

    /// <summary>What follows a device id in its state key.</summary>
    public static string StateSuffix => $"/{StateName}";

    public RedisKey State(string deviceId) => StatePrefix + deviceId + StateSuffix;

    public RedisKey StreamDeadlines(int partition) => Partition(partition) + "/stream";

    public RedisKey ArrivalDeadlines(int partition) => Partition(partition) + "/arrival";

    public RedisKey PurgeDue(int partition) => Partition(partition) + "/purge";

    public RedisKey Clock(int partition) => Partition(partition) + "/clock";

    /// <summary>Scores are milliseconds since 1970 (exact in a double for any date a device can send).</summary>
    public static double Score(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromScore(double score) => DateTimeOffset.FromUnixTimeMilliseconds((long)score);

    private string Partition(int partition) =>
        string.Create(CultureInfo.InvariantCulture, $"{ServiceId}/deadlines/{EventsTopic}/{partition}");
}
