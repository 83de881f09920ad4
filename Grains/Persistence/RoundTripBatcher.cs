using System.Collections.Concurrent;

namespace Segmenter.Grains.Persistence;

/// <summary>
/// Group commit: requests from many grains share one Redis round trip. A request is sent at once when no batch is on
/// its way (no added latency at low load); while <see cref="MaxInFlight"/> batches are on their way, new requests wait
/// and leave together with the next one, up to <see cref="MaxBatch"/>. So the batch size follows the load by itself,
/// and Redis and the client pay their per-command cost once per batch instead of once per grain.
/// </summary>
/// <remarks>
/// Each request gets its own result or exception: one that fails its own check (an etag conflict) fails alone; a batch
/// that fails as a whole (Redis unreachable) fails each of its requests with that exception, so a grain sees the same
/// exception types as with a command of its own.
/// </remarks>
public abstract class RoundTripBatcher<TRequest, TResult>
{
    private readonly ConcurrentQueue<(TRequest Request, TaskCompletionSource<TResult> Done)> _waiting = new();
    private int _inFlight;

    /// <summary>Most requests in one round trip.</summary>
    protected virtual int MaxBatch => 256;

    /// <summary>Most round trips on their way at once (pipelined on the one connection).</summary>
    protected virtual int MaxInFlight => 2;

    public Task<TResult> SubmitAsync(TRequest request)
    {
        // No RunContinuationsAsynchronously: a grain's await continues on its own scheduler anyway (queued there, never
        // inline on the thread that completes the batch), so a hop through the thread pool would only add latency.
        var done = new TaskCompletionSource<TResult>();
        _waiting.Enqueue((request, done));
        TrySend();
        return done.Task;
    }

    /// <summary>Sends <paramref name="requests"/> in one round trip; one result per request, in order.</summary>
    protected abstract Task<IReadOnlyList<Outcome>> ExecuteAsync(IReadOnlyList<TRequest> requests);

    private void TrySend()
    {
        while (!_waiting.IsEmpty)
        {
            var inFlight = Volatile.Read(ref _inFlight);
            if (inFlight >= MaxInFlight)
                return; // a batch on its way sends what waits when it comes back
            if (Interlocked.CompareExchange(ref _inFlight, inFlight + 1, inFlight) == inFlight)
            {
                _ = SendAsync();
                return;
            }
        }
    }

    private async Task SendAsync()
    {
        var batch = new List<(TRequest Request, TaskCompletionSource<TResult> Done)>();
        try
        {
            while (batch.Count < MaxBatch && _waiting.TryDequeue(out var item))
                batch.Add(item);
            if (batch.Count == 0)
                return;

            IReadOnlyList<Outcome> outcomes;
            try
            {
                // Off the submitting grain's scheduler from here on: the batch belongs to no grain.
                outcomes = await ExecuteAsync([.. batch.Select(b => b.Request)]).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                foreach (var (_, done) in batch)
                    done.TrySetException(e);
                return;
            }

            for (var i = 0; i < batch.Count; i++)
            {
                if (outcomes[i].Error is { } error)
                    batch[i].Done.TrySetException(error);
                else
                    batch[i].Done.TrySetResult(outcomes[i].Result!);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            TrySend();
        }
    }

    /// <summary>What one request came to: a result, or the exception its caller gets.</summary>
    protected readonly record struct Outcome(TResult? Result, Exception? Error);

    /// <summary>A request that succeeded with <paramref name="result"/>.</summary>
    protected static Outcome Succeeded(TResult result) => new(result, null);
}
