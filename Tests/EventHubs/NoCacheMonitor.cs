using Orleans.Providers.Streams.Common;

namespace Segmenter.Tests.EventHubs;

/// <summary>The cache's statistics go nowhere in these tests.</summary>
internal sealed class NoCacheMonitor : ICacheMonitor
{
    public void TrackCachePressureMonitorStatusChange(string pressureMonitorType, bool underPressure, double? cachePressureContributionCount, double? currentPressure, double? flowControlThreshold)
    {
    }

    public void TrackMessagesAdded(long messageAdded)
    {
    }

    public void TrackMessagesPurged(long messagePurged)
    {
    }

    public void TrackMemoryAllocated(int memoryInByte)
    {
    }

    public void TrackMemoryReleased(int memoryInByte)
    {
    }

    public void ReportMessageStatistics(DateTime? oldestMessageEnqueueTimeUtc, DateTime? oldestMessageDequeueTimeUtc, DateTime? newestMessageEnqueueTimeUtc, long totalMessageCount)
    {
    }

    public void ReportCacheSize(long totalCacheSizeInByte)
    {
    }
}
