namespace Segmenter.Streaming;

/// <summary>
/// Receives the progress of the partitions this silo reads. A stream provider calls every listener registered in the
/// silo's services: often (after each read and each delivery cycle), from the partition's pulling agent, so an
/// implementation must be cheap and must not block (keep the latest report and act on it elsewhere).
/// </summary>
public interface IPartitionProgressListener
{
    /// <summary>The partition's latest progress; replaces any earlier report of the same partition.</summary>
    void OnProgress(PartitionProgress progress);

    /// <summary>The partition left this silo (handed over, or the silo stops); no report follows from here.</summary>
    void OnReleased(string source, int partition);
}
