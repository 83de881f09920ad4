using System.Collections.Concurrent;
using Azure.Messaging.EventHubs;
using Orleans.Streaming.EventHubs;

namespace Segmenter.Tests.EventHubs;

/// <summary>
/// One Event Hubs partition as the stock receiver's Event Hubs client sees it: each receive returns the next batch the
/// test appended, or nothing (as a receive does when nothing arrived while it waited).
/// </summary>
internal sealed class InMemoryPartition : IEventHubReceiver
{
    private readonly ConcurrentQueue<EventData[]> _batches = new();

    /// <summary>Runs inside each receive, while the read is under way (a test moves its clock here).</summary>
    public Action? DuringReceive { get; set; }

    public int Receives { get; private set; }

    /// <summary>What the next receive returns.</summary>
    public void Append(params EventData[] events) => _batches.Enqueue(events);

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IEnumerable<EventData>> ReceiveAsync(int maxCount, TimeSpan waitTime) => ReceiveAsync(maxCount, waitTime, CancellationToken.None);

    public Task<IEnumerable<EventData>> ReceiveAsync(int maxCount, TimeSpan waitTime, CancellationToken cancellationToken)
    {
        Receives++;
        DuringReceive?.Invoke();
        return Task.FromResult<IEnumerable<EventData>>(_batches.TryDequeue(out var batch) ? batch : []);
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task CloseAsync() => Task.CompletedTask;

    public Task CloseAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
