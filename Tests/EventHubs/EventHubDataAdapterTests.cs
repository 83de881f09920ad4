using System.Buffers.Binary;
using System.Collections.Immutable;
using Azure.Messaging.EventHubs;
using Confluent.Kafka;
using Orleans.Runtime;
using Orleans.Streaming.EventHubs;
using Segmenter.Contracts;
using Segmenter.Serialization;
using Segmenter.Streaming.EventHubs;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.EventHubs;

/// <summary>
/// The Event Hubs data adapter in Orleans' own partition cache, with Avro through a real schema registry over HTTP:
/// input events become the <see cref="DeviceInput"/>s the Kafka transport delivers, bad events are skipped, and
/// outputs read back with the Kafka serdes. No Event Hubs is involved (none is reachable here).
/// </summary>
public sealed class EventHubDataAdapterTests(SchemaRegistryFixture registry) : IClassFixture<SchemaRegistryFixture>
{
    private static readonly DateTimeOffset Time = new(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);

    [Fact]
    public async Task Events_as_a_producer_sends_them_reach_each_device_stream_as_DeviceInput_with_partition_and_sequence_number()
    {
        var events = new EventHubEvents(new ContractSerdes(registry.NewClient()));
        using var harness = new EventHubAdapterHarness(registry.NewClient(), partition: "3");
        var woke = new Envelope(DeviceWokeUp.Instance, Time, Seq: 1);
        var data = new Envelope(new DataReceived("pressure", 0.275), Time.AddSeconds(1));
        var other = new Envelope(AllDataReceived.Instance, Time.AddSeconds(2), Seq: 9);

        var positions = harness.Receive(
            await events.ReceivedAsync("device-a", woke, sequenceNumber: 40),
            await events.ReceivedAsync("device-b", other, sequenceNumber: 41),
            await events.ReceivedAsync("device-a", data, sequenceNumber: 42));

        Assert.Equal([EventHubAdapterHarness.DeviceStream("device-a"), EventHubAdapterHarness.DeviceStream("device-b"), EventHubAdapterHarness.DeviceStream("device-a")],
            positions.Select(p => p.StreamId));
        var deviceA = harness.Read(positions[0].StreamId, positions[0].SequenceToken);
        Assert.Equal(
            [
                new DeviceInput(woke, new SourcePosition(3, 40), EventHubEvents.Enqueued.AddSeconds(40)),
                new DeviceInput(data, new SourcePosition(3, 42), EventHubEvents.Enqueued.AddSeconds(42)),
            ],
            deviceA.Select(b => Assert.Single(b.GetEvents<DeviceInput>()).Item1));
        Assert.All(deviceA, b => Assert.Equal(positions[0].StreamId, b.StreamId));
        var deviceB = Assert.Single(harness.Read(positions[1].StreamId, positions[1].SequenceToken));
        Assert.Equal(new DeviceInput(other, new SourcePosition(3, 41), EventHubEvents.Enqueued.AddSeconds(41)), deviceB.Input);

        // The delivered token names the event's offset and sequence number: the receiver checkpoints from it.
        var token = Assert.IsType<EventHubSequenceTokenV2>(deviceB.SequenceToken);
        Assert.Equal((EventHubEvents.OffsetOf(41), 41L), (token.EventHubOffset, token.SequenceNumber));
        Assert.Equal((3L, 0L), (harness.Metrics.EventsRead, harness.Metrics.EventsUndecodable));
    }

    [Fact]
    public async Task Without_the_key_property_the_partition_key_is_the_device_id()
    {
        var events = new EventHubEvents(new ContractSerdes(registry.NewClient()));
        using var harness = new EventHubAdapterHarness(registry.NewClient(), partition: "0");
        var envelope = new Envelope(DeviceWokeUp.Instance, Time);

        var position = Assert.Single(harness.Receive(EventHubEvents.Received(await events.BodyAsync(envelope), new Dictionary<string, object>(), "plain-device", 7)));

        Assert.Equal(EventHubAdapterHarness.DeviceStream("plain-device"), position.StreamId);
        var batch = Assert.Single(harness.Read(position.StreamId, position.SequenceToken));
        Assert.Equal(new DeviceInput(envelope, new SourcePosition(0, 7), EventHubEvents.Enqueued.AddSeconds(7)), batch.Input);
    }

    public static TheoryData<string, AvroDecodeError> BadEvents => new()
    {
        { "body-not-avro", AvroDecodeError.NotAvro },
        { "body-empty", AvroDecodeError.Missing },
        { "body-unknown-schema-id", AvroDecodeError.UnknownSchemaId },
        { "body-truncated", AvroDecodeError.Corrupt },
        { "body-another-record", AvroDecodeError.SchemaMismatch },
        { "key-not-avro", AvroDecodeError.NotAvro },
        { "key-text", AvroDecodeError.NotAvro },
        { "no-device", AvroDecodeError.Missing },
        { "key-not-a-device", AvroDecodeError.SchemaMismatch },
        { "body-timestamp-microseconds", AvroDecodeError.TimestampOutOfRange },
        { "body-timestamp-nanoseconds", AvroDecodeError.TimestampOutOfRange },
        { "body-timestamp-before-year-1", AvroDecodeError.TimestampOutOfRange },
        { "body-trailing-bytes", AvroDecodeError.TrailingBytes },
        { "body-union-index-out-of-range", AvroDecodeError.Corrupt },
    };

    [Theory]
    [MemberData(nameof(BadEvents))]
    public async Task An_undecodable_event_is_skipped_and_counted_and_the_events_after_it_still_arrive(string bad, AvroDecodeError expected)
    {
        var serdes = new ContractSerdes(registry.NewClient());
        var events = new EventHubEvents(serdes);
        using var harness = new EventHubAdapterHarness(registry.NewClient(), partition: "1");
        var body = await events.BodyAsync(new Envelope(new DataReceived("pressure", 1.5), Time));
        var key = await events.KeyAsync("device-x");
        var unknownId = body.ToArray();
        BinaryPrimitives.WriteInt32BigEndian(unknownId.AsSpan(1, 4), 987_654);
        // Registered under a subject of its own: a registry that checks compatibility (BACKWARD) refuses a Device as a
        // new version of events-value, so such a body comes from a producer writing another topic's schema id.
        var anotherRecord = await serdes.DeviceSerializer.SerializeAsync(new Device("not-an-envelope"), new SerializationContext(MessageComponentType.Value, "devices"));
        Dictionary<string, object> Keyed(object value) => new() { [EventDataLayout.KeyProperty] = value };
        var poison = bad switch
        {
            "body-not-avro" => EventHubEvents.Received("{\"event\":\"DeviceWokeUp\"}"u8.ToArray(), Keyed(key), "device-x", 11),
            "body-empty" => EventHubEvents.Received([], Keyed(key), "device-x", 11),
            "body-unknown-schema-id" => EventHubEvents.Received(unknownId, Keyed(key), "device-x", 11),
            "body-truncated" => EventHubEvents.Received(body[..^3], Keyed(key), "device-x", 11),
            "body-another-record" => EventHubEvents.Received(anotherRecord, Keyed(key), "device-x", 11),
            "key-not-avro" => EventHubEvents.Received(body, Keyed(new byte[] { 1, 2, 3 }), "device-x", 11),
            "key-text" => EventHubEvents.Received(body, Keyed("device-x"), "device-x", 11),
            "no-device" => EventHubEvents.Received(body, new Dictionary<string, object>(), null, 11),
            "key-not-a-device" => EventHubEvents.Received(body, Keyed(body), "device-x", 11),
            "body-timestamp-microseconds" => EventHubEvents.Received(RawAvro.Envelope(RawAvro.SchemaId(body), HostileRecords.Microseconds), Keyed(key), "device-x", 11),
            "body-timestamp-nanoseconds" => EventHubEvents.Received(RawAvro.Envelope(RawAvro.SchemaId(body), HostileRecords.Nanoseconds), Keyed(key), "device-x", 11),
            "body-timestamp-before-year-1" => EventHubEvents.Received(RawAvro.Envelope(RawAvro.SchemaId(body), HostileRecords.FarBeforeYearOne), Keyed(key), "device-x", 11),
            "body-trailing-bytes" => EventHubEvents.Received([.. body, 1, 2, 3], Keyed(key), "device-x", 11),
            "body-union-index-out-of-range" => EventHubEvents.Received(RawAvro.Envelope(RawAvro.SchemaId(body), Time.ToUnixTimeMilliseconds(), unionIndex: 7), Keyed(key), "device-x", 11),
            _ => throw new ArgumentOutOfRangeException(nameof(bad)),
        };

        var positions = harness.Receive(
            await events.ReceivedAsync("device-x", new Envelope(DeviceWokeUp.Instance, Time), 10),
            poison,
            await events.ReceivedAsync("device-x", new Envelope(AllDataReceived.Instance, Time), 12));

        Assert.Equal(StreamId.Create(EventDataLayout.UndecodableNamespace, "1"), positions[1].StreamId);
        var delivered = harness.Read(positions[0].StreamId, positions[0].SequenceToken);
        Assert.Equal([10L, 12L], delivered.Select(b => b.Input!.Source.Offset));
        Assert.Equal(1, harness.Metrics.EventsUndecodable);
        Assert.True(harness.Metrics.UndecodableByKind.TryGetValue(expected.ToString(), out var count), "kinds: " + string.Join(", ", harness.Metrics.UndecodableByKind.Keys));
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task Checkpoints_move_past_undecodable_events_like_past_any_other()
    {
        var events = new EventHubEvents(new ContractSerdes(registry.NewClient()));
        using var harness = new EventHubAdapterHarness(registry.NewClient());
        harness.Receive(
            await events.ReceivedAsync("device-c", new Envelope(DeviceWokeUp.Instance, Time), 20),
            EventHubEvents.Received([0xde, 0xad], new Dictionary<string, object>(), "device-c", 21),
            await events.ReceivedAsync("device-c", new Envelope(AllDataReceived.Instance, Time), 22));

        // The cache purges what is old enough and checkpoints the last purged event's offset (the newest event stays).
        harness.Cache.SignalPurge();

        Assert.Equal(EventHubEvents.OffsetOf(21), harness.Checkpointer.Offsets.Last());
    }

    [Fact]
    public async Task A_delivered_batch_survives_Orleans_serialization_between_silos()
    {
        var events = new EventHubEvents(new ContractSerdes(registry.NewClient()));
        using var harness = new EventHubAdapterHarness(registry.NewClient());
        var position = Assert.Single(harness.Receive(await events.ReceivedAsync("device-d", new Envelope(new DataReceived("t", -4), Time, Seq: 3), 5)));
        var batch = Assert.Single(harness.Read(position.StreamId, position.SequenceToken));

        var copy = Assert.IsType<DeviceInputBatchContainer>(harness.Serializer.Deserialize<DeviceInputBatchContainer>(harness.Serializer.SerializeToArray(batch)));

        Assert.Equal((batch.StreamId, batch.Input, batch.SequenceToken), (copy.StreamId, copy.Input, copy.SequenceToken));
    }

    [Fact]
    public async Task Session_events_are_written_with_the_Kafka_layout_and_read_back_with_the_Kafka_serdes()
    {
        using var harness = new EventHubAdapterHarness(registry.NewClient());
        var sessionEvent = new SessionEvent(new SessionKey(new Device("device-e"), "rv05pzqe8pxy"), new Envelope(new DataReceived("wind", 12.5), Time, Seq: 4), new SourcePosition(3, 77));
        var stream = StreamId.Create(StreamNamespaces.SessionEvents, "device-e");

        var data = harness.Adapter.ToQueueMessage(stream, [sessionEvent], null, null);

        var serdes = new ContractSerdes(registry.NewClient());
        var value = await serdes.EnvelopeDeserializer.DeserializeAsync(data.EventBody.ToArray(), false, new SerializationContext(MessageComponentType.Value, "session-events"));
        var key = await serdes.SessionKeyDeserializer.DeserializeAsync((byte[])data.Properties[EventDataLayout.KeyProperty], false, new SerializationContext(MessageComponentType.Key, "session-events"));
        Assert.Equal(sessionEvent.Envelope, value);
        Assert.Equal(sessionEvent.Key, key);
        Assert.Equal(3, data.Properties[EventDataLayout.SourcePartitionProperty]);
        Assert.Equal(77L, data.Properties[EventDataLayout.SourceOffsetProperty]);
        Assert.Equal("device-e", harness.Adapter.GetPartitionKey(stream));
        var subjects = await registry.NewClient().GetAllSubjectsAsync();
        Assert.Contains("session-events-key", subjects);
        Assert.Contains("session-events-value", subjects);
    }

    [Fact]
    public async Task Session_summaries_are_written_with_the_Kafka_layout_and_read_back_with_the_Kafka_serdes()
    {
        using var harness = new EventHubAdapterHarness(registry.NewClient());
        var summary = new SessionSummary("device-f", "abcdefghijkl", Time, Time.AddSeconds(3), 5, CloseReason.Completed, false, 1, 2,
            ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("pressure", new MetricSummary(3, -1, 4.5, 1.25, 2))]));

        var data = harness.Adapter.ToQueueMessage(StreamId.Create(StreamNamespaces.Sessions, "device-f"), [summary], null, null);

        var serdes = new ContractSerdes(registry.NewClient());
        var value = await serdes.SessionSummaryDeserializer.DeserializeAsync(data.EventBody.ToArray(), false, new SerializationContext(MessageComponentType.Value, "sessions"));
        var key = await serdes.SessionKeyDeserializer.DeserializeAsync((byte[])data.Properties[EventDataLayout.KeyProperty], false, new SerializationContext(MessageComponentType.Key, "sessions"));
        Assert.Equal(summary, value);
        Assert.Equal(summary.Key, key);
    }

    [Fact]
    public async Task Outputs_are_the_very_bytes_of_the_Kafka_serdes_one_codec_core_with_the_direct_layouts()
    {
        using var harness = new EventHubAdapterHarness(registry.NewClient());
        var sessionEvent = new SessionEvent(new SessionKey(new Device("device-g"), "abcdefghjkmn"), new Envelope(new DataReceived("t", 2.5), Time, Seq: 9), new SourcePosition(1, 2));
        var summary = new SessionSummary("device-g", "abcdefghjkmn", Time, Time.AddSeconds(1), 2, CloseReason.TimedOut, true, 0, 1,
            ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("t", new MetricSummary(2, 1, 2.5, 1.75, 2.5))]));

        var eventData = harness.Adapter.ToQueueMessage(StreamId.Create(StreamNamespaces.SessionEvents, "device-g"), [sessionEvent], null, null);
        var summaryData = harness.Adapter.ToQueueMessage(StreamId.Create(StreamNamespaces.Sessions, "device-g"), [summary], null, null);

        var serdes = new ContractSerdes(registry.NewClient());
        Assert.Equal(await serdes.EnvelopeSerializer.SerializeAsync(sessionEvent.Envelope, new SerializationContext(MessageComponentType.Value, "session-events")), Body(eventData));
        Assert.Equal(await serdes.SessionKeySerializer.SerializeAsync(sessionEvent.Key, new SerializationContext(MessageComponentType.Key, "session-events")), (byte[])eventData.Properties[EventDataLayout.KeyProperty]);
        Assert.Equal(await serdes.SessionSummarySerializer.SerializeAsync(summary, new SerializationContext(MessageComponentType.Value, "sessions")), Body(summaryData));

        static byte[] Body(Azure.Messaging.EventHubs.EventData e) => e.EventBody.ToArray();
    }

    [Fact]
    public void Writes_outside_the_output_streams_or_of_several_records_per_event_are_refused()
    {
        using var harness = new EventHubAdapterHarness(registry.NewClient());
        var summary = new SessionSummary("d", "s", Time, Time, 1, CloseReason.TimedOut, false, 0, 0, ImmutableSortedDictionary<string, MetricSummary>.Empty);

        Assert.Throws<ArgumentException>(() => harness.Adapter.ToQueueMessage(StreamId.Create(StreamNamespaces.Events, "d"), [summary], null, null));
        Assert.Throws<ArgumentException>(() => harness.Adapter.ToQueueMessage(StreamId.Create(StreamNamespaces.SessionEvents, "d"), [summary], null, null));
        Assert.Throws<ArgumentException>(() => harness.Adapter.ToQueueMessage(StreamId.Create(StreamNamespaces.Sessions, "d"), [summary, summary], null, null));
    }
}
