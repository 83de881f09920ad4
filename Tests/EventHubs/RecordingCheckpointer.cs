using Orleans.Streams;

namespace Segmenter.Tests.EventHubs;

/// <summary>A checkpointer that remembers the offsets the Event Hubs cache hands it.</summary>
internal sealed class RecordingCheckpointer : IStreamQueueCheckpointer<string>
{
    public List<string> Offsets { get; } = [];

    public bool CheckpointExists => Offsets.Count > 0;

    public Task<string> Load() => Task.FromResult(Offsets.LastOrDefault() ?? "");

    public Task<string> Load(CancellationToken cancellationToken) => Load();

    public void Update(string offset, DateTime utcNow) => Offsets.Add(offset);

    public void Update(string offset, DateTime utcNow, CancellationToken cancellationToken) => Update(offset, utcNow);
}
