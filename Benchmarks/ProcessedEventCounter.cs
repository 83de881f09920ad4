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
