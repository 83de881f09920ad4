using System.Collections.Concurrent;
using Orleans.Storage;

namespace Segmenter.Benchmarks.Ceiling;

/// <summary>
/// Grain storage in this process's memory: the same serializer and etag check as the Redis storage, no network and
/// no storage grain in between (Orleans' memory storage routes every write through a grain call).
/// </summary>
internal sealed class InProcessGrainStorage(IGrainStorageSerializer serializer) : IGrainStorage
{
    private readonly ConcurrentDictionary<GrainId, (string ETag, BinaryData Data)> _states = new();
    private long _etag;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_states.TryGetValue(grainId, out var stored))
        {
            grainState.State = serializer.Deserialize<T>(stored.Data);
            grainState.ETag = stored.ETag;
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var etag = Interlocked.Increment(ref _etag).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var data = serializer.Serialize(grainState.State);
        var expected = grainState.ETag;
        _states.AddOrUpdate(grainId,
            _ => expected is null ? (etag, data) : throw new InconsistentStateException($"No stored state for {grainId}; expected etag {expected}."),
            (_, stored) => stored.ETag == expected ? (etag, data) : throw new InconsistentStateException($"Etag conflict for {grainId}."));
        grainState.ETag = etag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _states.TryRemove(grainId, out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
