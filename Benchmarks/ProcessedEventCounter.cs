using Orleans.Streams;
using Segmenter.Contracts;

namespace Segmenter.Benchmarks;

/// <summary>
/// Counts the input events device grains finished (their delivery call returned: state written, outputs acknowledged).
/// The same filter runs in the ceiling and the full pipeline, so its cost is in both columns.
/// </summary>
internal sealed class ProcessedEventCounter : IIncomingGrainCallFilter
{
    private static long _processed;

    public static long Processed => Interlocked.Read(ref _processed);

    public static void Reset() => Interlocked.Exchange(ref _processed, 0);

    /// <summary>
    /// Waits until <paramref name="expected"/> events were processed, writing the count and the rate of the last second
    /// to stderr once a second (a profiler attached for a window can take its event count from these lines).
    /// </summary>
    public static async Task WaitForAsync(long expected, string column)
    {
        var last = Processed;
        var lastAt = DateTime.UtcNow;
        while (Processed < expected)
        {
            await Task.Delay(20);
            var now = DateTime.UtcNow;
            if (now - lastAt < TimeSpan.FromSeconds(1))
                continue;
            var processed = Processed;
            Console.Error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"[progress] {now:HH:mm:ss.fff} {column}: {processed:N0} / {expected:N0} processed, {(processed - last) / (now - lastAt).TotalSeconds:N0}/s"));
            last = processed;
            lastAt = now;
        }
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        await context.Invoke();
        if (context.TargetId.Type.ToString() != "devicesession")
            return;
        for (var i = 0; i < context.Request.GetArgumentCount(); i++)
        {
            if (context.Request.GetArgument(i) is IBatchContainer batch)
                Interlocked.Add(ref _processed, batch.GetEvents<DeviceInput>().Count());
        }
    }
}
