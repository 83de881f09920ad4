using System.Diagnostics;

namespace Segmenter.Driver;

/// <summary>
/// Keeps a load run at its rate: the n-th event is due at n / rate seconds after the start, so a slow moment is caught
/// up afterwards instead of lowering the average. With <see cref="LoadRate.Max"/> it never waits.
/// </summary>
internal sealed class RatePacer(LoadRate rate)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public TimeSpan Elapsed => _clock.Elapsed;

    public Task WaitTurnAsync(long sentSoFar, CancellationToken cancellationToken)
    {
        if (rate.PerSecond is not { } perSecond)
            return Task.CompletedTask;
        var ahead = TimeSpan.FromSeconds(sentSoFar / perSecond) - _clock.Elapsed;
        return ahead > TimeSpan.FromMilliseconds(1) ? Task.Delay(ahead, cancellationToken) : Task.CompletedTask;
    }
}
