using System.Diagnostics;
using Azure.Messaging.EventHubs;
using Microsoft.Extensions.Logging;
using Orleans.Streaming.EventHubs;
using Segmenter.Serialization;

namespace Segmenter.Streaming.EventHubs;

/// <summary>
/// The Event Hubs client of one partition as the stock receiver sees it, with the schema registry asked before the events
/// reach the data adapter. Orleans calls the adapter synchronously, inside its cache, and an event it has taken cannot be
/// given back: an adapter that waited for an unreachable registry would stall the partition's thread, one that threw
/// would lose the rest of the read. So the registry lookups an event needs are made here, asynchronously, and while the
/// registry cannot be reached the events are held, in order, and offered again at the next read: kept and retried, as
/// the Kafka transport keeps a partition's records on the same failure, never skipped.
/// </summary>
/// <remarks>
/// Events before the first one that needs the unreachable registry are handed on; the rest wait. A read that can hand
/// nothing on tries again every <paramref name="retryEvery"/> (the registry cache's failure memory: no request in
/// between) for as long as the receive may wait, then fails with <see cref="SchemaRegistryUnavailableException"/>: the
/// stock receiver logs the failed read and the pulling agent reads again. An empty answer is never made up, so the
/// partition's progress never takes an outage for having caught up.
/// </remarks>
internal sealed partial class SchemaPrefetchingReceiver(
    IEventHubReceiver inner,
    Func<EventData, ValueTask<SchemaRegistryUnavailableException?>> prepare,
    TimeSpan longestWait,
    TimeSpan retryEvery,
    string partition,
    ILogger logger) : IEventHubReceiver
{
    private readonly ILogger _logger = logger;
    private List<EventData> _held = [];
    private long _holdingSince;

    /// <summary>Events read from the partition and not yet handed on (for tests).</summary>
    internal int Held => _held.Count;

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IEnumerable<EventData>> ReceiveAsync(int maxCount, TimeSpan waitTime) => ReceiveAsync(maxCount, waitTime, CancellationToken.None);

    public async Task<IEnumerable<EventData>> ReceiveAsync(int maxCount, TimeSpan waitTime, CancellationToken cancellationToken)
    {
        if (_held.Count == 0)
        {
            var received = await inner.ReceiveAsync(maxCount, waitTime, cancellationToken).ConfigureAwait(false);
            if (received is null)
                return [];
            _held = [.. received];
            if (_held.Count == 0)
                return _held;
        }

        var started = Stopwatch.GetTimestamp();
        var wait = waitTime < longestWait ? waitTime : longestWait;
        while (true)
        {
            var offered = Math.Min(Math.Max(maxCount, 1), _held.Count);
            var (ready, outage) = await PrepareAsync(offered).ConfigureAwait(false);
            if (ready > 0)
            {
                var handed = _held.GetRange(0, ready);
                _held.RemoveRange(0, ready);
                if (outage is null && _holdingSince != 0)
                {
                    LogResumed(partition, Stopwatch.GetElapsedTime(_holdingSince));
                    _holdingSince = 0;
                }

                return handed;
            }

            if (_holdingSince == 0)
            {
                _holdingSince = Stopwatch.GetTimestamp();
                LogHolding(outage!, partition, _held.Count);
            }

            if (Stopwatch.GetElapsedTime(started) + retryEvery > wait)
            {
                throw new SchemaRegistryUnavailableException(
                    $"Partition {partition} holds {_held.Count} events, in order, until the schema registry answers: {outage!.Message}", outage);
            }

            await Task.Delay(retryEvery, cancellationToken).ConfigureAwait(false);
        }
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task CloseAsync() => CloseAsync(CancellationToken.None);

    public Task CloseAsync(CancellationToken cancellationToken)
    {
        // The next owner of the partition reads from the last checkpoint, which never passed a held event.
        _held = [];
        return inner.CloseAsync(cancellationToken);
    }

    /// <summary>How many of the first <paramref name="offered"/> held events have what they need; the outage that stops the next one.</summary>
    private async ValueTask<(int Ready, SchemaRegistryUnavailableException? Outage)> PrepareAsync(int offered)
    {
        for (var i = 0; i < offered; i++)
        {
            if (await prepare(_held[i]).ConfigureAwait(false) is { } outage)
                return (i, outage);
        }

        return (offered, null);
    }

    [LoggerMessage(LogLevel.Warning, "The schema registry cannot be reached: partition {Partition} holds its next {Count} events, in order, and reads them again once it answers", EventId = 2100)]
    private partial void LogHolding(Exception exception, string partition, int count);

    [LoggerMessage(LogLevel.Information, "The schema registry answers again: partition {Partition} hands on the events it held for {Held}", EventId = 2101)]
    private partial void LogResumed(string partition, TimeSpan held);
}
