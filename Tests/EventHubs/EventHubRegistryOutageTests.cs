using System.Diagnostics;
using System.Text.Json.Nodes;
using Avro;
using Azure.Messaging.EventHubs;
using Confluent.SchemaRegistry;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Streaming.EventHubs;
using Segmenter.Contracts;
using Segmenter.Serialization;
using Segmenter.Serialization.Registry;
using Segmenter.Streaming.EventHubs;
using Segmenter.Tests.Infrastructure;
using Schema = Confluent.SchemaRegistry.Schema;

namespace Segmenter.Tests.EventHubs;

/// <summary>
/// An unreachable schema registry on the Event Hubs path, through Orleans' own receiver and cache: the events are held
/// in order and read again once it answers, never skipped as undecodable, and the adapter thread is never held in a
/// retry loop (the read fails with the passing failure, as Kafka defers its partition).
/// </summary>
public sealed class EventHubRegistryOutageTests(SchemaRegistryFixture registry) : IClassFixture<SchemaRegistryFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly SchemaRegistryCacheOptions Brief = new() { FailureMemory = TimeSpan.FromMilliseconds(100) };

    [Fact]
    public async Task Events_read_while_the_registry_is_down_are_held_and_delivered_in_order_once_it_answers()
    {
        var flaky = ScriptedSchemaRegistry.Over(registry.NewClient());
        await using var hub = await EventHubPartitionHarness.StartAsync(flaky.Client, registryOptions: Brief, registryOutageWait: TimeSpan.Zero);
        var events = new[] { await EventAsync("a", 1, 40), await EventAsync("b", 2, 41), await EventAsync("a", 3, 42) };
        flaky.Down = true;
        var watch = Stopwatch.StartNew();

        var outage = await Assert.ThrowsAsync<SchemaRegistryUnavailableException>(() => hub.ReadAsync(events));
        await Assert.ThrowsAsync<SchemaRegistryUnavailableException>(() => hub.ReadAsync());

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"the reads took {watch.Elapsed}");
        Assert.Contains("holds 3 events", outage.Message, StringComparison.Ordinal);
        Assert.Equal((0L, 0L), (hub.Metrics.EventsRead, hub.Metrics.EventsUndecodable)); // the adapter saw none of them
        Assert.Equal(1, hub.Partition.Receives); // held here, not read from the hub again

        flaky.Down = false;
        await Task.Delay(Brief.FailureMemory * 2);
        var read = await hub.ReadAsync();

        Assert.Equal([40L, 41L, 42L], read.Select(n => n.SequenceToken.SequenceNumber));
        Assert.Equal((3L, 0L), (hub.Metrics.EventsRead, hub.Metrics.EventsUndecodable));
        var deviceA = EventHubPartitionHarness.Drain(hub.Cursor(Device("a"), read[0].SequenceToken));
        Assert.Equal([T0.AddSeconds(1), T0.AddSeconds(3)], deviceA.Select(c => c.Input!.Envelope.Timestamp));
    }

    [Fact]
    public async Task Events_whose_schemas_are_known_go_on_and_those_after_the_first_that_needs_the_registry_wait()
    {
        var flaky = ScriptedSchemaRegistry.Over(registry.NewClient());
        await using var hub = await EventHubPartitionHarness.StartAsync(flaky.Client, registryOptions: Brief, registryOutageWait: TimeSpan.Zero);
        Assert.Single(await hub.ReadAsync(await EventAsync("a", 1, 10))); // the key and envelope schemas are now known
        var older = await WithoutSeqAsync("b", 2, 12); // written with the demo's schema: an id this process has not seen
        flaky.Down = true;

        var read = await hub.ReadAsync(await EventAsync("a", 2, 11), older, await EventAsync("a", 3, 13));
        Assert.Equal([11L], read.Select(n => n.SequenceToken.SequenceNumber));
        await Assert.ThrowsAsync<SchemaRegistryUnavailableException>(() => hub.ReadAsync());

        flaky.Down = false;
        await Task.Delay(Brief.FailureMemory * 2);
        var rest = await hub.ReadAsync();

        Assert.Equal([12L, 13L], rest.Select(n => n.SequenceToken.SequenceNumber));
        Assert.Equal((4L, 0L), (hub.Metrics.EventsRead, hub.Metrics.EventsUndecodable));
        Assert.Equal(T0.AddSeconds(2), Assert.Single(EventHubPartitionHarness.Drain(hub.Cursor(Device("b"), rest[0].SequenceToken))).Input!.Envelope.Timestamp);
    }

    [Fact]
    public async Task A_read_waits_for_the_registry_without_holding_a_thread_at_most_as_long_as_allowed()
    {
        var flaky = ScriptedSchemaRegistry.Over(registry.NewClient());
        await using var hub = await EventHubPartitionHarness.StartAsync(flaky.Client, registryOptions: Brief, registryOutageWait: TimeSpan.FromSeconds(5));
        var late = await EventAsync("a", 1, 20);
        flaky.Down = true;
        flaky.OnRefused = () => flaky.Down = false; // back right after refusing the first lookup

        // The registry comes back while the read waits: the event is handed on by the same read, after the failure
        // was remembered for its while (one refused lookup, then one that answers).
        var read = await hub.ReadAsync(late);

        Assert.Equal([20L], read.Select(n => n.SequenceToken.SequenceNumber));
        Assert.Equal(0L, hub.Metrics.EventsUndecodable);
        Assert.Equal(1, hub.Partition.Receives);
    }

    [Fact]
    public void The_stock_event_hubs_client_is_still_there_to_wrap()
    {
        var hub = new EventHubOptions();
        hub.ConfigureEventHubConnection(
            "Endpoint=sb://127.0.0.1/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=c2VnbWVudGVyLXRlc3Qta2V5LW5vdC1hLXNlY3JldA==", "device-events", "$Default");

        var client = SegmenterEventHubAdapterFactory.StockClient(
            new EventHubPartitionSettings { Hub = hub, Partition = "0", ReceiverOptions = new EventHubReceiverOptions() }, "-1", NullLogger.Instance);

        Assert.Equal("EventHubReceiverProxy", client.GetType().Name);
    }

    private static StreamId Device(string id) => StreamId.Create(StreamNamespaces.Events, id);

    private Task<EventData> EventAsync(string device, int second, long sequenceNumber) =>
        new EventHubEvents(new ContractSerdes(registry.NewClient()), EventHubPartitionHarness.Hub)
            .ReceivedAsync(device, new Envelope(new DataReceived("level", second), T0.AddSeconds(second)), sequenceNumber);

    /// <summary>An event whose body the demo's producer wrote: <c>events.Envelope</c> without <c>seq</c>, under a subject of its own.</summary>
    private async Task<EventData> WithoutSeqAsync(string device, int second, long sequenceNumber)
    {
        var json = JsonNode.Parse(ContractSchemas.Text("Envelope"))!.AsObject();
        var fields = json["fields"]!.AsArray();
        fields.RemoveAt(fields.Count - 1); // seq
        var demo = (RecordSchema)Avro.Schema.Parse(json.ToJsonString());
        Assert.Equal(["event", "timestamp"], demo.Fields.Select(f => f.Name));
        var id = await registry.NewClient().RegisterSchemaAsync("outage-demo-value", new Schema(demo.ToString(), SchemaType.Avro));
        byte[] body = [.. RawAvro.Framing(id), .. RawAvro.Long(0), .. RawAvro.Long(T0.AddSeconds(second).ToUnixTimeMilliseconds())];
        var key = await new EventHubEvents(new ContractSerdes(registry.NewClient()), EventHubPartitionHarness.Hub).KeyAsync(device);
        return EventHubEvents.Received(body, new Dictionary<string, object> { [EventDataLayout.KeyProperty] = key }, device, sequenceNumber);
    }
}
