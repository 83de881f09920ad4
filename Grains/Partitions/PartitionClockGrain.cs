using System.Globalization;
using Segmenter.Partitions;

namespace Segmenter.Grains.Partitions;

/// <summary>The last reported read progress of one input partition (see <see cref="IPartitionClockGrain"/>).</summary>
public sealed class PartitionClockGrain : Grain, IPartitionClockGrain
{
    private PartitionClock? _clock;

    public static string KeyOf(string topic, int partition) => string.Create(CultureInfo.InvariantCulture, $"{topic}/{partition}");

    public Task Report(PartitionClock clock)
    {
        if (_clock is null || clock.ObservedAt >= _clock.ObservedAt)
            _clock = clock;
        return Task.CompletedTask;
    }

    public Task<PartitionClock?> Current() => Task.FromResult(_clock);
}
