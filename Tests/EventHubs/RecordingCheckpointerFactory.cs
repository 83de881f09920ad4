using Orleans.Streams;

namespace Segmenter.Tests.EventHubs;

/// <summary>Gives each partition a <see cref="RecordingCheckpointer"/> (no Azure table is reachable here).</summary>
internal sealed class RecordingCheckpointerFactory : IStreamQueueCheckpointerFactory
{
    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IStreamQueueCheckpointer<string>> Create(string partition) => Create(partition, CancellationToken.None);

    public Task<IStreamQueueCheckpointer<string>> Create(string partition, CancellationToken cancellationToken) =>
        Task.FromResult<IStreamQueueCheckpointer<string>>(new RecordingCheckpointer());
}
