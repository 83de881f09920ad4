using Orleans.Runtime;
using Orleans.Streams;
using Segmenter.Streaming.Kafka;
using Segmenter.Streaming.Kafka.Cache;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Kafka;

/// <summary>
/// The commit watermark of the cache: nothing is committable before every consumer of it moved past it, however
/// streams interleave in the partition.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class DeliveryTrackingCacheTests
{
    private static readonly StreamId A = StreamId.Create("ns", "a");
    private static readonly StreamId B = StreamId.Create("ns", "b");

    [Fact]
    public void Nothing_is_committable_until_the_consumer_moves_past_it()
    {
        var cache = new DeliveryTrackingCache(1_000);
        cache.MarkReadUpTo(-1);
        var cursor = Cursor(cache, A, 0);
        cache.AddToCache([Container(A, 0, 1, 2)]);
        Purge(cache);
        Assert.Equal(-1, cache.CommittableOffset);

        Assert.Equal(QueueCacheCursorMoveResultKind.Success, cursor.MoveNextWithResult().Kind);
        Assert.Equal(0, ((KafkaBatchContainer)cursor.GetCurrent(out _)!).FirstOffset);
        Purge(cache);
        Assert.Equal(-1, cache.CommittableOffset); // handed out, not yet acknowledged

        Assert.Equal(QueueCacheCursorMoveResultKind.NoData, cursor.MoveNextWithResult().Kind);
        Assert.Single(Purge(cache));
        Assert.Equal(2, cache.CommittableOffset);
        Assert.Equal(0, cache.EventCount);
    }

    [Fact]
    public void The_watermark_stops_at_the_oldest_undelivered_offset_of_any_stream()
    {
        var cache = new DeliveryTrackingCache(1_000);
        var a = Cursor(cache, A, 0);
        var b = Cursor(cache, B, 0);
        cache.AddToCache([Container(A, 0, 2, 4), Container(B, 1, 3)]);

        a.MoveNextWithResult();
        a.MoveNextWithResult(); // a is done with 0, 2, 4
        Purge(cache);
        Assert.Equal(0, cache.CommittableOffset); // offset 1 (stream b) is not delivered

        b.MoveNextWithResult();
        b.MoveNextWithResult();
        Purge(cache);
        Assert.Equal(4, cache.CommittableOffset);
    }

    [Fact]
    public void Done_but_unpurged_containers_count_as_delivered()
    {
        var cache = new DeliveryTrackingCache(1_000);
        var a = Cursor(cache, A, 0);
        var b = Cursor(cache, B, 0);
        cache.AddToCache([Container(A, 0), Container(B, 1), Container(A, 2)]);
        a.MoveNextWithResult();
        a.MoveNextWithResult();
        a.MoveNextWithResult();

        Assert.Equal(0, cache.CommittableOffset); // b still holds offset 1; no purge ran
        b.MoveNextWithResult();
        b.MoveNextWithResult();
        Assert.Equal(2, cache.CommittableOffset);
    }

    [Fact]
    public void A_stream_without_consumers_does_not_hold_the_commit()
    {
        var cache = new DeliveryTrackingCache(1_000);
        cache.AddToCache([Container(A, 0, 1)]);

        Assert.Single(Purge(cache));
        Assert.Equal(1, cache.CommittableOffset);
    }

    [Fact]
    public void A_disposed_cursor_holds_its_containers_until_the_next_purge_so_a_shutdown_commits_nothing_undelivered()
    {
        var cache = new DeliveryTrackingCache(1_000);
        var consumer = Cursor(cache, A, 0);
        cache.AddToCache([Container(A, 0), Container(A, 1)]);
        consumer.MoveNextWithResult();
        consumer.MoveNextWithResult(); // delivering offset 1

        consumer.Dispose(); // what the agent does at shutdown, right before the receiver's final commit
        Assert.Equal(0, cache.CommittableOffset);

        Purge(cache); // during normal operation the next purge releases it (the consumer unsubscribed)
        Assert.Equal(1, cache.CommittableOffset);
    }

    [Fact]
    public void Records_that_made_no_container_are_committable_once_read()
    {
        var cache = new DeliveryTrackingCache(1_000);
        var cursor = Cursor(cache, A, 0);
        cache.AddToCache([Container(A, 0)]);
        cache.MarkReadUpTo(3); // offsets 1..3 were dead-lettered

        Assert.Equal(-1, cache.CommittableOffset);
        cursor.MoveNextWithResult();
        cursor.MoveNextWithResult();
        Assert.Equal(3, cache.CommittableOffset);
    }

    [Fact]
    public void A_delivery_the_agent_gave_up_on_is_never_committed_past()
    {
        var cache = new DeliveryTrackingCache(1_000);
        var cursor = Cursor(cache, A, 0);
        cache.AddToCache([Container(A, 5), Container(A, 6)]);
        cursor.MoveNextWithResult();
        cursor.RecordDeliveryFailure();
        cursor.MoveNextWithResult();
        cursor.MoveNextWithResult();
        Purge(cache);

        Assert.Equal(4, cache.CommittableOffset);
        Assert.True(cache.HasDeliveryFailure);
        Assert.Equal(0, cache.EventCount);
    }

    [Fact]
    public void The_cache_is_under_pressure_when_full_and_relieved_by_delivery()
    {
        var cache = new DeliveryTrackingCache(3);
        var cursor = Cursor(cache, A, 0);
        cache.AddToCache([Container(A, 0, 1, 2)]);
        Assert.True(cache.IsUnderPressure());
        Assert.Equal(QueueAdapterConstants.UNLIMITED_GET_QUEUE_MSG, cache.GetMaxAddCount());

        cursor.MoveNextWithResult();
        cursor.MoveNextWithResult();
        Purge(cache);
        Assert.False(cache.IsUnderPressure());
    }

    [Fact]
    public void A_cursor_from_a_token_starts_at_the_container_holding_that_offset()
    {
        var cache = new DeliveryTrackingCache(1_000);
        var pin = Cursor(cache, A, 0);
        cache.AddToCache([Container(A, 0, 2), Container(A, 4, 6)]);

        var late = Cursor(cache, A, 2);
        var fromNow = cache.TryGetCacheCursor(A, null).Cursor!;

        late.MoveNextWithResult();
        Assert.Equal(0, ((KafkaBatchContainer)late.GetCurrent(out _)!).FirstOffset);
        late.MoveNextWithResult();
        late.MoveNextWithResult();
        Assert.Equal(QueueCacheCursorMoveResultKind.NoData, fromNow.MoveNextWithResult().Kind);
        pin.Dispose();
        Purge(cache);
        Assert.Equal(6, cache.CommittableOffset);
    }

    [Fact]
    public void The_handover_commit_stops_before_a_read_the_agent_took_but_never_registered()
    {
        // The agent took a read into the cache, then stopped before creating the new stream's pin cursor: nobody will
        // deliver it. The running watermark counts it as done (no consumer); the final commit must not.
        var cache = new DeliveryTrackingCache(1_000);
        cache.MarkReadUpTo(9);
        cache.AddToCache([Container(A, 10, 11)]);
        Assert.Equal(11, cache.CommittableOffset);
        Assert.Equal(9, cache.HandoverOffset);

        var pin = Cursor(cache, A, 10); // the agent registers the stream: now it is claimed
        pin.Dispose();
        Purge(cache);
        Assert.Equal(11, cache.HandoverOffset);
    }

    [Fact]
    public void Dead_lettered_records_count_as_read_only_when_the_agent_takes_the_read_that_carries_them()
    {
        var cache = new DeliveryTrackingCache(1_000);
        cache.MarkReadUpTo(-1);
        var cursor = Cursor(cache, A, 0);
        // Offsets 1 and 2 were dead-lettered; the read's last container carries its end.
        var read = new KafkaBatchContainer(A, 0, [0, 3], ["event@0", "event@3"], readThrough: 4);
        Assert.Equal(-1, cache.CommittableOffset); // not taken yet: nothing counts

        cache.AddToCache([read]);
        cursor.MoveNextWithResult();
        cursor.MoveNextWithResult();
        Purge(cache);
        Assert.Equal(4, cache.CommittableOffset);
    }

    [Fact]
    public void The_oldest_pending_container_is_dated_when_it_was_taken()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var cache = new DeliveryTrackingCache(1_000, time);
        Assert.Null(cache.OldestPendingSince);
        var cursor = Cursor(cache, A, 0);
        cache.AddToCache([Container(A, 0)]);
        time.Advance(TimeSpan.FromSeconds(5));
        cache.AddToCache([Container(A, 1)]);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), cache.OldestPendingSince);

        cursor.MoveNextWithResult();
        cursor.MoveNextWithResult();
        Purge(cache);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 5, TimeSpan.Zero), cache.OldestPendingSince);
    }

    private static IQueueCacheCursor Cursor(DeliveryTrackingCache cache, StreamId stream, long offset) =>
        cache.TryGetCacheCursor(stream, new KafkaSequenceToken(offset)).Cursor!;

    private static KafkaBatchContainer Container(StreamId stream, params long[] offsets) =>
        new(stream, 0, offsets, [.. offsets.Select(o => (object)$"event@{o}")]);

    private static IList<IBatchContainer> Purge(DeliveryTrackingCache cache)
    {
        Assert.True(cache.TryPurgeFromCache(out var purged));
        return purged;
    }
}
