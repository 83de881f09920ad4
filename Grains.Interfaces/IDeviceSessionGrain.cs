using Orleans.Concurrency;
using Segmenter.Contracts;
using Segmenter.Partitions;

namespace Segmenter;

/// <summary>
/// One grain per device (key: device id). It is fed by its implicit subscription to the <c>events</c> stream; the
/// methods here read, except <see cref="CheckDeadlines"/>, which the partition's deadline scheduler sends.
/// </summary>
public interface IDeviceSessionGrain : IGrainWithStringKey
{
    /// <summary>The device's open session, or null.</summary>
    [ReadOnly]
    Task<SessionSnapshot?> GetOpenSession();

    /// <summary>All the device's state, or null when the device has none (new or purged).</summary>
    [ReadOnly]
    Task<DeviceSnapshot?> GetSnapshot();

    /// <summary>
    /// Applies rule 4 (and the purge) under what the device's partition has confirmed. The partition's deadline
    /// scheduler sends it when the device's deadline looks due; the rules decide, so an early or repeated call changes
    /// nothing.
    /// </summary>
    Task<DeadlineOutcome> CheckDeadlines(PartitionClock clock);
}
