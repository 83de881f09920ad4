using Azure.Messaging.EventHubs;
using Orleans.Runtime;
using Segmenter.Contracts;
using Segmenter.Serialization;
using Segmenter.Streaming.EventHubs.Progress;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.EventHubs;

/// <summary>
/// The progress an Event Hubs partition reports to the silo's listeners (rule 4's stream time and catch-up, the purge's
/// committed position), with the Orleans provider's own receiver and cache behind Segmenter's factory, fed by an
/// in-memory partition: no Event Hub is reachable here, so the Event Hubs client is the only part replaced. The test
/// plays the pulling agent, which moves a consumer's cursor again only once the previous delivery returned.
/// </summary>
public sealed class EventHubPartitionProgressTests(SchemaRegistryFixture registry) : IClassFixture<SchemaRegistryFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Stream_time_counts_a_container_only_once_the_agent_moved_its_cursor_past_it()
    {
        await using var hub = await EventHubPartitionHarness.StartAsync(registry.NewClient());
        var read = await hub.ReadAsync(await EventAsync("a", 10, 40), await EventAsync("a", 20, 41));
        Assert.Equal(2, read.Count);
        Assert.Null(hub.Progress.StreamTime); // read and cached is not delivered

        var cursor = hub.Cursor(Device("a"), read[0].SequenceToken);
        Assert.Equal(40, EventHubPartitionHarness.Next(cursor)!.SequenceToken.SequenceNumber);
        await hub.ReadAsync();
        Assert.Null(hub.Progress.StreamTime); // handed out, its delivery still in flight

        Assert.Equal(41, EventHubPartitionHarness.Next(cursor)!.SequenceToken.SequenceNumber);
        await hub.ReadAsync();
        Assert.Equal(T0.AddSeconds(10), hub.Progress.StreamTime); // the first delivery returned, the second is in flight

        Assert.Null(EventHubPartitionHarness.Next(cursor));
        await hub.ReadAsync();
        Assert.Equal(T0.AddSeconds(20), hub.Progress.StreamTime);

        // The highest delivered time: an older event delivered later does not take it back.
        var late = await hub.ReadAsync(await EventAsync("b", 5, 42));
        EventHubPartitionHarness.Drain(hub.Cursor(Device("b"), late[0].SequenceToken));
        await hub.ReadAsync();
        Assert.Equal(T0.AddSeconds(20), hub.Progress.StreamTime);
    }

    [Fact]
    public async Task While_an_earlier_event_waits_in_the_cache_later_deliveries_of_other_devices_move_neither_the_watermark_nor_stream_time()
    {
        await using var hub = await EventHubPartitionHarness.StartAsync(registry.NewClient());
        var read = await hub.ReadAsync(await EventAsync("a", 10, 40), await EventAsync("b", 20, 41), await EventAsync("b", 25, 42));

        // b's grain is quick, a's delivery has not started: b's times would close a's session if they counted (rule 4).
        Assert.Equal(2, EventHubPartitionHarness.Drain(hub.Cursor(Device("b"), read[1].SequenceToken)).Count);
        await hub.ReadAsync();
        Assert.Equal((40L, (DateTimeOffset?)null), (hub.Progress.DeliveredUpTo, hub.Progress.StreamTime));

        EventHubPartitionHarness.Drain(hub.Cursor(Device("a"), read[0].SequenceToken));
        await hub.ReadAsync();
        Assert.Equal((43L, (DateTimeOffset?)T0.AddSeconds(25)), (hub.Progress.DeliveredUpTo, hub.Progress.StreamTime));
    }

    [Fact]
    public async Task Deliveries_piling_up_behind_one_waiting_event_are_folded_so_memory_follows_the_undelivered_events()
    {
        await using var hub = await EventHubPartitionHarness.StartAsync(registry.NewClient());
        var ledger = Assert.IsType<ProgressReportingQueue>(hub.Cache).Ledger;
        var waiting = await hub.ReadAsync(await EventAsync("a", 1, 100));

        const int behind = 3_000;
        for (var batch = 0; batch < behind / 500; batch++)
        {
            var events = new EventData[500];
            for (var i = 0; i < events.Length; i++)
            {
                var n = batch * 500 + i;
                events[i] = await EventAsync($"d{n % 50}", 2 + n % 600, 101 + n);
            }

            var read = await hub.ReadAsync(events);
            foreach (var first in read.GroupBy(c => c.StreamId).Select(g => g.First()))
                EventHubPartitionHarness.Drain(hub.Cursor(first.StreamId, first.SequenceToken));
        }

        await hub.ReadAsync();
        Assert.Equal((100L, (DateTimeOffset?)null), (hub.Progress.DeliveredUpTo, hub.Progress.StreamTime));
        Assert.InRange(ledger.TrackedSpans, 1, 1_100); // not one per delivered event: folded runs and a's event

        EventHubPartitionHarness.Drain(hub.Cursor(Device("a"), waiting[0].SequenceToken));
        await hub.ReadAsync();
        Assert.Equal((101L + behind, (DateTimeOffset?)T0.AddSeconds(601)), (hub.Progress.DeliveredUpTo, hub.Progress.StreamTime));
        Assert.Equal(0, ledger.TrackedSpans);
    }

    [Fact]
    public async Task A_delivery_cut_short_counts_for_neither_stream_time_nor_catch_up_until_a_new_cursor_delivers_it()
    {
        await using var hub = await EventHubPartitionHarness.StartAsync(registry.NewClient());
        var read = await hub.ReadAsync(await EventAsync("a", 30, 50));

        // A new handshake replaces the consumer's cursor while the delivery of what it handed out has not returned.
        var first = hub.Cursor(Device("a"), read[0].SequenceToken);
        Assert.NotNull(EventHubPartitionHarness.Next(first));
        first.Dispose();
        await hub.ReadAsync();
        Assert.Null(hub.Progress.StreamTime);
        Assert.Null(hub.Progress.CaughtUpAt);

        var second = hub.Cursor(Device("a"), read[0].SequenceToken);
        Assert.Single(EventHubPartitionHarness.Drain(second));
        await hub.ReadAsync();
        Assert.Equal(T0.AddSeconds(30), hub.Progress.StreamTime);
        Assert.NotNull(hub.Progress.CaughtUpAt);
    }

    [Fact]
    public async Task Caught_up_only_after_an_empty_read_with_every_stream_passed_never_while_a_registration_or_a_new_cursor_is_pending()
    {
        await using var hub = await EventHubPartitionHarness.StartAsync(registry.NewClient());
        hub.Partition.DuringReceive = () => hub.Time.Advance(TimeSpan.FromSeconds(5)); // a receive waits before it answers
        var read = await hub.ReadAsync(await EventAsync("a", 1, 10), await EventAsync("b", 2, 11));

        // New streams whose registration is in flight: their events are in the cache and no cursor has them.
        await hub.ReadAsync();
        Assert.Null(hub.Progress.CaughtUpAt);

        // The registrations' pin cursors never move.
        var pinA = hub.Cursor(Device("a"), read[0].SequenceToken);
        var pinB = hub.Cursor(Device("b"), read[1].SequenceToken);
        await hub.ReadAsync();
        Assert.Null(hub.Progress.CaughtUpAt);

        // The consumers' cursors exist, the pins are gone: new cursors are pending until they drain.
        var a = hub.Cursor(Device("a"), read[0].SequenceToken);
        var b = hub.Cursor(Device("b"), read[1].SequenceToken);
        pinA.Dispose();
        pinB.Dispose();
        await hub.ReadAsync();
        Assert.Null(hub.Progress.CaughtUpAt);

        Assert.Single(EventHubPartitionHarness.Drain(a));
        await hub.ReadAsync();
        Assert.Null(hub.Progress.CaughtUpAt); // b not yet

        Assert.NotNull(EventHubPartitionHarness.Next(b));
        await hub.ReadAsync();
        Assert.Null(hub.Progress.CaughtUpAt); // b's delivery in flight

        Assert.Null(EventHubPartitionHarness.Next(b));
        var readStarted = hub.Time.GetUtcNow();
        await hub.ReadAsync();
        Assert.Equal(readStarted, hub.Progress.CaughtUpAt); // when the read began, not when it came back
        Assert.Equal(readStarted.AddSeconds(5), hub.Progress.ObservedAt);
        Assert.Equal(0, Assert.IsType<ProgressReportingQueue>(hub.Cache).Ledger.UnsettledStreams);
    }

    [Fact]
    public async Task A_drained_cursor_does_not_cover_what_a_later_read_added_to_its_stream()
    {
        await using var hub = await EventHubPartitionHarness.StartAsync(registry.NewClient());
        var read = await hub.ReadAsync(await EventAsync("a", 1, 20));
        var cursor = hub.Cursor(Device("a"), read[0].SequenceToken);
        EventHubPartitionHarness.Drain(cursor);
        await hub.ReadAsync();
        var caughtUp = hub.Progress.CaughtUpAt;
        Assert.NotNull(caughtUp);

        // The cursor is inactive at the stream's end; the agent restarts it only after the read that brought more.
        hub.Time.Advance(TimeSpan.FromMinutes(1));
        await hub.ReadAsync(await EventAsync("a", 2, 21));
        await hub.ReadAsync();
        Assert.Equal(caughtUp, hub.Progress.CaughtUpAt);

        Assert.Equal(21, EventHubPartitionHarness.Next(cursor)!.SequenceToken.SequenceNumber);
        await hub.ReadAsync();
        Assert.Equal(caughtUp, hub.Progress.CaughtUpAt);

        Assert.Null(EventHubPartitionHarness.Next(cursor));
        var readStarted = hub.Time.GetUtcNow();
        await hub.ReadAsync();
        Assert.Equal(readStarted, hub.Progress.CaughtUpAt);
    }

    [Fact]
    public async Task Undecodable_events_which_no_one_consumes_never_hold_the_partition_back()
    {
        await using var hub = await EventHubPartitionHarness.StartAsync(registry.NewClient());
        var read = await hub.ReadAsync(EventHubEvents.Received([0x4e, 0x6f], new Dictionary<string, object>(), "broken", 30), await EventAsync("a", 1, 31));
        Assert.Equal(2, read.Count);

        EventHubPartitionHarness.Drain(hub.Cursor(Device("a"), read[1].SequenceToken));
        await hub.ReadAsync();
        Assert.NotNull(hub.Progress.CaughtUpAt);
    }

    [Fact]
    public async Task Reports_name_the_hub_the_partition_number_of_every_position_and_where_the_reader_started_and_shutdown_releases_the_partition()
    {
        await using var hub = await EventHubPartitionHarness.StartAsync(registry.NewClient(), partition: "2");
        Assert.IsType<ProgressReportingQueue>(hub.Cache);
        Assert.Same(hub.Cache, hub.Receiver);

        var read = await hub.ReadAsync(await EventAsync("a", 1, 70), await EventAsync("a", 2, 71));
        var delivered = EventHubPartitionHarness.Drain(hub.Cursor(Device("a"), read[0].SequenceToken));
        await hub.ReadAsync();

        var reports = hub.Listener.Reports;
        Assert.All(reports, r => Assert.Equal((EventHubPartitionHarness.Hub, 2), (r.Source, r.Partition)));
        Assert.Equal(-1, reports[0].DeliveredUpTo); // before the first read
        Assert.Equal(72, hub.Progress.DeliveredUpTo); // both delivered: one past the last read
        Assert.All(delivered, c => Assert.Equal(hub.Progress.Partition, c.Input!.Source.Partition));
        Assert.Equal(-1, reports[0].CommittedUpTo); // before the first read nothing is known
        Assert.Equal(70, hub.Progress.CommittedUpTo); // no later reader starts below where this one started

        await hub.Receiver.Shutdown(TimeSpan.FromSeconds(5));
        Assert.Equal([(EventHubPartitionHarness.Hub, 2)], hub.Listener.Released);
        var count = hub.Listener.Reports.Count;
        Assert.Empty(await hub.Receiver.GetQueueMessagesAsync(1_000, CancellationToken.None));
        Assert.Equal(count, hub.Listener.Reports.Count); // nothing follows the release

        // The queue comes back to this silo: a new life, known from scratch.
        await hub.Receiver.Initialize(TimeSpan.FromSeconds(5));
        await hub.ReadAsync(await EventAsync("a", 3, 90));
        Assert.Equal((90L, (DateTimeOffset?)null, (DateTimeOffset?)null), (hub.Progress.CommittedUpTo, hub.Progress.StreamTime, hub.Progress.CaughtUpAt));
    }

    private static StreamId Device(string id) => StreamId.Create(StreamNamespaces.Events, id);

    private Task<EventData> EventAsync(string device, int second, long sequenceNumber) =>
        new EventHubEvents(new ContractSerdes(registry.NewClient()), EventHubPartitionHarness.Hub)
            .ReceivedAsync(device, new Envelope(new DataReceived("level", second), T0.AddSeconds(second)), sequenceNumber);
}
