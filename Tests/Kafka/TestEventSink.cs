using System.Collections.Concurrent;

namespace Segmenter.Tests.Kafka;

/// <summary>
/// What the recording grains received, per test run, kept outside the silos so it survives silo kills and restarts
/// (the silos are in-process). A test can also make the grains hold an event (never acknowledge it).
/// </summary>
internal static class TestEventSink
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<TestEvent>> Received = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Func<TestEvent, bool>> Holds = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Releases = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Func<TestEvent, Exception?>> Failures = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<FailedDelivery>> Failed = new(StringComparer.Ordinal);

    public static IReadOnlyList<TestEvent> Of(string run) => Received.TryGetValue(run, out var queue) ? [.. queue] : [];

    public static void Record(TestEvent received) => Received.GetOrAdd(received.Run, _ => new()).Enqueue(received);

    /// <summary>Events matching <paramref name="hold"/> are received but not acknowledged until <see cref="Release"/>.</summary>
    public static void HoldWhere(string run, Func<TestEvent, bool> hold)
    {
        Holds[run] = hold;
        Releases[run] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>No further event is held; those held stay unacknowledged for good (their silo was killed).</summary>
    public static void StopHolding(string run) => Holds.TryRemove(run, out _);

    public static void Release(string run)
    {
        Holds.TryRemove(run, out _);
        if (Releases.TryRemove(run, out var release))
            release.TrySetResult();
    }

    public static Task WaitIfHeld(TestEvent received) =>
        Holds.TryGetValue(received.Run, out var hold) && hold(received) && Releases.TryGetValue(received.Run, out var release)
            ? release.Task
            : Task.CompletedTask;

    /// <summary>
    /// A delivery holding an event for which <paramref name="failure"/> gives an exception throws it, and none of the
    /// delivery's events is recorded (a consumer whose batch fails has taken none of it).
    /// </summary>
    public static void FailWhere(string run, Func<TestEvent, Exception?> failure) => Failures[run] = failure;

    /// <summary>Throws the failure the run's test chose for any of <paramref name="events"/>, noting the failed delivery's values.</summary>
    public static void FailIfChosen(IReadOnlyList<TestEvent> events)
    {
        if (events.Count == 0 || !Failures.TryGetValue(events[0].Run, out var failure))
            return;
        foreach (var received in events)
        {
            if (failure(received) is { } exception)
            {
                Failed.GetOrAdd(received.Run, _ => new()).Enqueue(new FailedDelivery(DateTimeOffset.UtcNow, [.. events.Select(e => e.Value)]));
                throw exception;
            }
        }
    }

    /// <summary>Every delivery that failed by <see cref="FailWhere"/>, in order.</summary>
    public static IReadOnlyList<FailedDelivery> FailedDeliveries(string run) => Failed.TryGetValue(run, out var queue) ? [.. queue] : [];

    public static Task<IReadOnlyList<TestEvent>> WaitForAsync(string run, int count, TimeSpan timeout) =>
        WaitUntilAsync(run, received => received.Count >= count, timeout);

    public static async Task<IReadOnlyList<TestEvent>> WaitUntilAsync(string run, Func<IReadOnlyList<TestEvent>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done(Of(run)) && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        return Of(run);
    }
}

/// <summary>A delivery a test made fail: when, and the values it held.</summary>
internal sealed record FailedDelivery(DateTimeOffset At, string[] Values);
