using Orleans.Concurrency;
using Segmenter.Contracts;

namespace Segmenter;

/// <summary>
/// One grain per device (key: device id). It is fed by its implicit subscription to the <c>events</c> stream; the
/// methods here read, except <see cref="CheckDeadlines"/>, which the silo sends.
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
    /// Applies the timeout and purge rules now. The silo's partition clocks send it when the stream time of the
    /// device's lagging partition has passed the session's deadline, or the partition caught up; rules decide, so an
    /// early or repeated call changes nothing.
    /// </summary>
    [OneWay]
    Task CheckDeadlines();
}
