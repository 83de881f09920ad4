using Segmenter.Streaming;

namespace Segmenter.Tests.EventHubs;

/// <summary>Keeps every progress report and release a stream provider hands the silo's listeners.</summary>
internal sealed class RecordingProgressListener : IPartitionProgressListener
{
    private readonly Lock _lock = new();
    private readonly List<PartitionProgress> _reports = [];
    private readonly List<(string Source, int Partition)> _released = [];

    public IReadOnlyList<PartitionProgress> Reports
    {
        get
        {
            lock (_lock)
                return [.. _reports];
        }
    }

    public IReadOnlyList<(string Source, int Partition)> Released
    {
        get
        {
            lock (_lock)
                return [.. _released];
        }
    }

    /// <summary>The latest report, as the silo's scheduler feed keeps it.</summary>
    public PartitionProgress Latest => Reports.Count > 0 ? Reports[^1] : throw new InvalidOperationException("Nothing was reported.");

    public void OnProgress(PartitionProgress progress)
    {
        lock (_lock)
            _reports.Add(progress);
    }

    public void OnReleased(string source, int partition)
    {
        lock (_lock)
            _released.Add((source, partition));
    }
}
