using Orleans.Concurrency;
using Segmenter.Contracts;

namespace Segmenter;

/// <summary>
/// One grain per device (key: device id). It is fed by its implicit subscription to the <c>events</c> stream; the
/// methods here only read.
/// </summary>
public interface IDeviceSessionGrain : IGrainWithStringKey
{
    /// <summary>The device's open session, or null.</summary>
    [ReadOnly]
    Task<SessionSnapshot?> GetOpenSession();

    /// <summary>All the device's state, or null when the device has none (new or purged).</summary>
    [ReadOnly]
    Task<DeviceSnapshot?> GetSnapshot();
}
