using Orleans.Runtime;

namespace Segmenter.Streaming.Kafka.Handover;

/// <summary>
/// Who reads a partition now, so that a new owner starts only after the old one committed and let go
/// (the hand-over Orleans' queue balancers lack: dotnet/orleans issue 11242). Key: provider/topic/partition.
/// </summary>
internal interface IPartitionOwnerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Takes the partition if it is free, already released, or its owner is no longer an active silo; returns the
    /// new ownership epoch, or null while another active silo still holds it.
    /// </summary>
    Task<long?> TryAcquire(SiloAddress silo, bool force);

    /// <summary>The owner committed everything delivered and stopped reading.</summary>
    Task Release(SiloAddress silo, long epoch);
}
