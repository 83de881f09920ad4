using Segmenter.Streaming.Kafka.Progress;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Kafka;

/// <summary>
/// A partition's stream time and "caught up at" come from delivered records only: a record read but still waiting
/// may be a device's next event, and a timeout must not overtake it (SEGMENTATION.md rule 4).
/// </summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class DeliveryProgressTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    [Fact]
    public void Stream_time_ignores_records_read_but_not_delivered()
    {
        var tracker = new DeliveryProgressTracker(chunkSize: 2);
        tracker.Read(0, At(1));
        tracker.Read(1, At(2));
        tracker.Read(2, At(30)); // read, cached, not delivered
        tracker.EndOfRead();
        Assert.Null(tracker.StreamTime);

        tracker.Delivered(2); // offsets 0 and 1
        Assert.Equal(At(2), tracker.StreamTime);

        tracker.Delivered(3);
        Assert.Equal(At(30), tracker.StreamTime);
    }

    [Fact]
    public void A_chunk_counts_only_once_all_of_it_is_delivered()
    {
        var tracker = new DeliveryProgressTracker(chunkSize: 3);
        tracker.Read(10, At(5));
        tracker.Read(11, At(9));
        tracker.Read(12, At(7));
        tracker.Delivered(12); // 10 and 11 delivered, 12 not: the chunk holds back
        Assert.Null(tracker.StreamTime);
        tracker.Delivered(13);
        Assert.Equal(At(9), tracker.StreamTime);
    }

    [Fact]
    public void Stream_time_never_moves_back_and_ignores_records_without_a_time()
    {
        var tracker = new DeliveryProgressTracker(chunkSize: 1);
        tracker.Read(0, At(10));
        tracker.Read(1, At(3)); // late event
        tracker.Read(2, null); // dead-lettered
        tracker.Delivered(3);
        Assert.Equal(At(10), tracker.StreamTime);
    }

    [Fact]
    public void Caught_up_at_is_the_time_of_the_latest_end_sample_that_is_delivered()
    {
        var tracker = new DeliveryProgressTracker();
        tracker.Delivered(0);
        tracker.EndSampled(At(1), 5);
        tracker.EndSampled(At(2), 8);
        Assert.Null(tracker.CaughtUpAt);

        tracker.Delivered(5);
        Assert.Equal(At(1), tracker.CaughtUpAt);
        tracker.Delivered(7);
        Assert.Equal(At(1), tracker.CaughtUpAt); // the end at 2 s was 8: not yet
        tracker.Delivered(8);
        Assert.Equal(At(2), tracker.CaughtUpAt);
        Assert.Equal(0, tracker.PendingSamples);
    }

    [Fact]
    public void A_sample_already_covered_counts_at_once_and_caught_up_never_moves_back()
    {
        var tracker = new DeliveryProgressTracker();
        tracker.Delivered(10);
        tracker.EndSampled(At(4), 10);
        Assert.Equal(At(4), tracker.CaughtUpAt);
        tracker.EndSampled(At(3), 10); // an older sample answered late
        Assert.Equal(At(4), tracker.CaughtUpAt);
    }

    [Fact]
    public void A_reader_that_never_delivers_what_the_broker_holds_is_never_caught_up()
    {
        var tracker = new DeliveryProgressTracker();
        tracker.Delivered(3);
        for (var i = 0; i < 10; i++)
            tracker.EndSampled(At(i), 4);
        Assert.Null(tracker.CaughtUpAt);
    }
}
