using System.Diagnostics;
using Segmenter.Cli;

namespace Segmenter.Driver;

/// <summary>
/// The progress line of a load run, once a second on standard error (standard output keeps the summary alone):
/// events per second over the last second, the total sent and acknowledged, errors, records still in flight.
/// </summary>
internal sealed class LoadProgress(EventProducer producer, CliConsole console) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public void Start() => _loop = Task.Run(() => LoopAsync(_stop.Token));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        var lastSent = 0L;
        var lastTime = TimeSpan.Zero;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var (sent, now) = (producer.Sent, clock.Elapsed);
                var rate = (sent - lastSent) / (now - lastTime).TotalSeconds;
                (lastSent, lastTime) = (sent, now);
                await console.Error.WriteLineAsync(
                    $"load: {rate,9:N0} events/s  total {sent:N0}  acked {producer.Delivered:N0}  errors {producer.Failed:N0}  in flight {producer.InFlight:N0}");
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
