using System.Collections.Immutable;
using Avro;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Segmenter.Contracts;
using Segmenter.Serialization;
using Segmenter.Serialization.Mapping;
using Segmenter.Tests.Infrastructure;
using Schema = Avro.Schema;

namespace Segmenter.Tests.Serialization;

/// <summary>The Avro wire format through a schema registry over HTTP: round trips, evolution, typed errors.</summary>
public sealed class AvroWireFormatTests(SchemaRegistryFixture registry) : IClassFixture<SchemaRegistryFixture>
{
    private static readonly DateTimeOffset Time = new(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);
    private static readonly SerializationContext EventsValue = new(MessageComponentType.Value, "events");
    private static readonly SerializationContext EventsKey = new(MessageComponentType.Key, "events");

    public static TheoryData<Envelope> Envelopes => new()
    {
        new Envelope(DeviceWokeUp.Instance, Time),
        new Envelope(new DataReceived("pressure", 0.275), Time, Seq: 7),
        new Envelope(new DataReceived("température ünicode", double.NegativeInfinity), Time),
        new Envelope(AllDataReceived.Instance, Time, Seq: long.MaxValue),
    };

    [Theory]
    [MemberData(nameof(Envelopes))]
    public async Task Every_union_branch_round_trips(Envelope envelope)
    {
        var serdes = new ContractSerdes(registry.NewClient());

        var bytes = await serdes.EnvelopeSerializer.SerializeAsync(envelope, EventsValue);
        var read = await new ContractSerdes(registry.NewClient()).EnvelopeDeserializer.DeserializeAsync(bytes, false, EventsValue);

        Assert.Equal(envelope, read);
        Assert.Equal(0, bytes[0]);
    }

    [Fact]
    public async Task Keys_and_summaries_round_trip()
    {
        var serdes = new ContractSerdes(registry.NewClient());
        var key = new SessionKey(new Device("device-3"), "rv05pzqe8pxy");
        var summary = new SessionSummary("device-3", "rv05pzqe8pxy", Time, Time.AddSeconds(3), 5, CloseReason.MaxDuration, true, 2, 1,
            ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [
                KeyValuePair.Create("pressure", new MetricSummary(3, -1, 4.5, 1.25, 2)),
                KeyValuePair.Create("wind", new MetricSummary(1, 3, 3, 3, 3)),
            ]));
        var context = new SerializationContext(MessageComponentType.Key, "sessions");

        var device = await serdes.DeviceDeserializer.DeserializeAsync(await serdes.DeviceSerializer.SerializeAsync(new Device("device-3"), EventsKey), false, EventsKey);
        var keyRead = await serdes.SessionKeyDeserializer.DeserializeAsync(await serdes.SessionKeySerializer.SerializeAsync(key, context), false, context);
        var summaryContext = new SerializationContext(MessageComponentType.Value, "sessions");
        var summaryRead = await serdes.SessionSummaryDeserializer.DeserializeAsync(await serdes.SessionSummarySerializer.SerializeAsync(summary, summaryContext), false, summaryContext);

        Assert.Equal(new Device("device-3"), device);
        Assert.Equal(key, keyRead);
        Assert.Equal(summary, summaryRead);
    }

    [Theory]
    [InlineData(CloseReason.Completed)]
    [InlineData(CloseReason.TimedOut)]
    [InlineData(CloseReason.Superseded)]
    [InlineData(CloseReason.MaxDuration)]
    public async Task Every_close_reason_round_trips(CloseReason reason)
    {
        var serdes = new ContractSerdes(registry.NewClient());
        var summary = new SessionSummary("d", "s", Time, Time, 1, reason, false, 0, 0, ImmutableSortedDictionary<string, MetricSummary>.Empty);
        var context = new SerializationContext(MessageComponentType.Value, "sessions");

        var read = await serdes.SessionSummaryDeserializer.DeserializeAsync(await serdes.SessionSummarySerializer.SerializeAsync(summary, context), false, context);

        Assert.Equal(reason, read.Reason);
    }

    [Fact]
    public async Task Subjects_are_named_after_the_topic_as_in_the_demo()
    {
        var client = registry.NewClient();
        var serdes = new ContractSerdes(client);
        await serdes.DeviceSerializer.SerializeAsync(new Device("d"), new SerializationContext(MessageComponentType.Key, "subject-check"));
        await serdes.EnvelopeSerializer.SerializeAsync(new Envelope(DeviceWokeUp.Instance, Time), new SerializationContext(MessageComponentType.Value, "subject-check"));

        var subjects = await client.GetAllSubjectsAsync();
        Assert.Contains("subject-check-key", subjects);
        Assert.Contains("subject-check-value", subjects);
        var registered = await client.GetLatestSchemaAsync("subject-check-value");
        Assert.Equal("events.Envelope", ((RecordSchema)Schema.Parse(registered.SchemaString)).Fullname);
    }

    [Fact]
    public async Task A_record_written_with_the_demo_schema_without_seq_is_read()
    {
        var demoSchema = (RecordSchema)Schema.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Schemas", "Envelope.demo.avsc")));
        Assert.False(demoSchema.Contains("seq"));
        var demoWriter = new AvroSerializer<GenericRecord>(registry.NewClient(), new AvroSerializerConfig { SubjectNameStrategy = SubjectNameStrategy.Topic });
        var context = new SerializationContext(MessageComponentType.Value, "demo-events");
        var bytes = await demoWriter.SerializeAsync(new EnvelopeMapper(demoSchema).ToRecord(new Envelope(new DataReceived("wind", 3.5), Time, Seq: 99)), context);

        var read = await new ContractSerdes(registry.NewClient()).EnvelopeDeserializer.DeserializeAsync(bytes, false, context);

        Assert.Equal(new Envelope(new DataReceived("wind", 3.5), Time, Seq: null), read);
    }

    [Fact]
    public void The_binary_encoding_is_the_demo_layout()
    {
        // Hand-computed from the Avro spec: union index 1 (DataReceived) = zigzag 0x02; name "p" = 0x02 'p';
        // value 1.0 as little-endian double; timestamp 1000 ms = zigzag 2000 = 0xd0 0x0f; seq union index 0 (null).
        var record = new EnvelopeMapper().ToRecord(new Envelope(new DataReceived("p", 1.0), DateTimeOffset.FromUnixTimeMilliseconds(1000)));
        using var stream = new MemoryStream();
        new GenericDatumWriter<GenericRecord>(ContractSchemas.Envelope).Write(record, new Avro.IO.BinaryEncoder(stream));

        byte[] expected = [0x02, 0x02, (byte)'p', 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0xd0, 0x0f, 0x00];
        Assert.Equal(expected, stream.ToArray());
    }

    [Fact]
    public void The_schemas_keep_the_demo_names_namespaces_and_union_order()
    {
        var union = (UnionSchema)ContractSchemas.Envelope["event"].Schema;
        Assert.Equal(["events.DeviceWokeUp", "events.DataReceived", "events.AllDataReceived"], union.Schemas.Select(s => ((NamedSchema)s).Fullname));
        Assert.Equal("timestamp-millis", ((LogicalSchema)ContractSchemas.Envelope["timestamp"].Schema).LogicalTypeName);
        Assert.Equal("events.Device", ContractSchemas.Device.Fullname);
        Assert.Equal("sessions.SessionKey", ContractSchemas.SessionKey.Fullname);
        Assert.Equal("events.Device", ((RecordSchema)ContractSchemas.SessionKey["device"].Schema).Fullname);
        var seq = ContractSchemas.Envelope["seq"];
        Assert.Equal(["null", "long"], ((UnionSchema)seq.Schema).Schemas.Select(s => s.Name));
        Assert.Equal(Newtonsoft.Json.Linq.JTokenType.Null, seq.DefaultValue?.Type);
    }

    [Theory]
    [InlineData("")]
    [InlineData("7b22")]                 // "{\"" : JSON, not Avro
    [InlineData("00000001")]             // framing cut short
    [InlineData("0100000001020304")]     // magic byte 1
    public async Task Bytes_that_are_not_avro_give_NotAvro(string hex)
    {
        var error = await Assert.ThrowsAsync<AvroDecodeException>(() =>
            new ContractSerdes(registry.NewClient()).EnvelopeDeserializer.DeserializeAsync(Convert.FromHexString(hex), false, EventsValue));

        Assert.Equal(AvroDecodeError.NotAvro, error.Error);
        Assert.Contains("magic byte", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_schema_id_gives_UnknownSchemaId_naming_the_id()
    {
        var bytes = new byte[] { 0, 0, 0, 0x27, 0x0f, 0x02 }; // schema id 9999

        var error = await Assert.ThrowsAsync<AvroDecodeException>(() =>
            new ContractSerdes(registry.NewClient()).EnvelopeDeserializer.DeserializeAsync(bytes, false, EventsValue));

        Assert.Equal(AvroDecodeError.UnknownSchemaId, error.Error);
        Assert.Contains("9999", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_union_branch_from_a_newer_producer_gives_UnknownUnionBranch_naming_it()
    {
        var newerSchema = (RecordSchema)Schema.Parse(ContractSchemas.Text("Envelope").Replace(
            """{ "type": "record", "name": "AllDataReceived", "fields": [] }""",
            """{ "type": "record", "name": "AllDataReceived", "fields": [] }, { "type": "record", "name": "DeviceRebooted", "fields": [] }""",
            StringComparison.Ordinal));
        var rebooted = new GenericRecord((RecordSchema)((UnionSchema)newerSchema["event"].Schema).Schemas[3]);
        var record = new GenericRecord(newerSchema);
        record.Add("event", rebooted);
        record.Add("timestamp", Time.UtcDateTime);
        record.Add("seq", null);
        var context = new SerializationContext(MessageComponentType.Value, "newer-events");
        var bytes = await new AvroSerializer<GenericRecord>(registry.NewClient(), new AvroSerializerConfig { SubjectNameStrategy = SubjectNameStrategy.Topic }).SerializeAsync(record, context);

        var error = await Assert.ThrowsAsync<AvroDecodeException>(() =>
            new ContractSerdes(registry.NewClient()).EnvelopeDeserializer.DeserializeAsync(bytes, false, context));

        Assert.Equal(AvroDecodeError.UnknownUnionBranch, error.Error);
        Assert.Contains("events.DeviceRebooted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_union_index_out_of_range_gives_Corrupt()
    {
        var serdes = new ContractSerdes(registry.NewClient());
        var bytes = await serdes.EnvelopeSerializer.SerializeAsync(new Envelope(DeviceWokeUp.Instance, Time), EventsValue);
        bytes[5] = 0x0e; // union index 7 of a 3-branch union

        var error = await Assert.ThrowsAsync<AvroDecodeException>(() => serdes.EnvelopeDeserializer.DeserializeAsync(bytes, false, EventsValue));

        Assert.Equal(AvroDecodeError.Corrupt, error.Error);
    }

    [Fact]
    public async Task A_truncated_payload_gives_Corrupt()
    {
        var serdes = new ContractSerdes(registry.NewClient());
        var bytes = await serdes.EnvelopeSerializer.SerializeAsync(new Envelope(new DataReceived("pressure", 1), Time), EventsValue);

        var error = await Assert.ThrowsAsync<AvroDecodeException>(() => serdes.EnvelopeDeserializer.DeserializeAsync(bytes.AsMemory(0, 9), false, EventsValue));

        Assert.Equal(AvroDecodeError.Corrupt, error.Error);
    }

    [Fact]
    public async Task Another_record_type_gives_SchemaMismatch_naming_both()
    {
        var serdes = new ContractSerdes(registry.NewClient());
        var context = new SerializationContext(MessageComponentType.Value, "mixed");
        var bytes = await serdes.DeviceSerializer.SerializeAsync(new Device("d"), context);

        var error = await Assert.ThrowsAsync<AvroDecodeException>(() => serdes.EnvelopeDeserializer.DeserializeAsync(bytes, false, context));

        Assert.Equal(AvroDecodeError.SchemaMismatch, error.Error);
        Assert.Contains("events.Envelope", error.Message, StringComparison.Ordinal);
        Assert.Contains("events.Device", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_key_gives_Missing()
    {
        var error = await Assert.ThrowsAsync<AvroDecodeException>(() =>
            new ContractSerdes(registry.NewClient()).DeviceDeserializer.DeserializeAsync(ReadOnlyMemory<byte>.Empty, true, EventsKey));

        Assert.Equal(AvroDecodeError.Missing, error.Error);
    }

    [Fact]
    public async Task An_unreachable_registry_is_not_a_decode_error()
    {
        var bytes = await new ContractSerdes(registry.NewClient()).EnvelopeSerializer.SerializeAsync(new Envelope(DeviceWokeUp.Instance, Time), EventsValue);
        using var unreachable = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = "http://127.0.0.1:9", MaxRetries = 1 });

        var error = await Record.ExceptionAsync(() => new ContractSerdes(unreachable).EnvelopeDeserializer.DeserializeAsync(bytes, false, EventsValue));

        // The codecs' one passing failure, with what the registry client threw inside.
        Assert.IsType<SchemaRegistryUnavailableException>(error);
        Assert.IsType<HttpRequestException>(error.InnerException);
        Assert.True(SchemaRegistryOutage.Is(error));
    }
}
