using Microsoft.Extensions.Time.Testing;
using Segmenter.Streaming.Kafka.Receiving;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Kafka;

/// <summary>Records kept after a passing decode failure are decoded again after pauses that double up to 5 s.</summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class DeferredDecodeBackoffTests
{
    [Fact]
    public void Pauses_double_from_100_ms_to_at_most_5_s_and_nothing_is_due_before_its_pause_ends()
    {
        var time = new FakeTimeProvider();
        var backoff = new DeferredDecodeBackoff(time);
        Assert.True(backoff.IsDue);

        var delays = new List<double>();
        for (var i = 0; i < 9; i++)
        {
            var delay = backoff.Failed(offset: 42);
            delays.Add(delay.TotalSeconds);
            time.Advance(delay - TimeSpan.FromMilliseconds(1));
            Assert.False(backoff.IsDue);
            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.True(backoff.IsDue);
        }

        Assert.Equal([0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5, 5, 5], delays);
        Assert.Equal((9, 42L), (backoff.Failures, backoff.Offset));
        Assert.Equal(TimeSpan.FromSeconds(0.1 + 0.2 + 0.4 + 0.8 + 1.6 + 3.2 + 15), backoff.FailingFor);
    }

    [Fact]
    public void Progress_to_a_later_record_or_success_starts_over()
    {
        var time = new FakeTimeProvider();
        var backoff = new DeferredDecodeBackoff(time);
        backoff.Failed(offset: 1);
        backoff.Failed(offset: 1);
        Assert.Equal(TimeSpan.FromMilliseconds(100), backoff.Failed(offset: 2));
        Assert.Equal(1, backoff.Failures);

        backoff.Succeeded();
        Assert.True(backoff.IsDue);
        Assert.Equal((0, -1L, TimeSpan.Zero), (backoff.Failures, backoff.Offset, backoff.FailingFor));
        Assert.Equal(TimeSpan.FromMilliseconds(100), backoff.Failed(offset: 2));
    }
}
