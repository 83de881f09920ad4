using System.Collections.Immutable;
using System.Net;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Segmenter.Contracts;
using Segmenter.Serialization;
using Segmenter.Serialization.Mapping;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Serialization;

/// <summary>
/// Every way a record can fail to decode gives one <see cref="AvroDecodeError"/> kind and a message naming the problem,
/// and the direct binary codecs and the general path (<see cref="AvroContractDeserializer{T}"/>) give the same kind for
/// the same bytes: which path reads a record depends only on its writer schema, never on what is wrong with it.
/// </summary>
public sealed class DecodeKindTests(SchemaRegistryFixture registry) : IClassFixture<SchemaRegistryFixture>
{
    private const string Topic = "decode-kinds";
    private static readonly SerializationContext Value = new(MessageComponentType.Value, Topic);
    private static readonly SerializationContext Key = new(MessageComponentType.Key, Topic);
    private static readonly DateTimeOffset Time = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Paths => ["direct", "general"];

    public static TheoryData<string, long> OutOfRange => new()
    {
        { "direct", HostileRecords.Microseconds },
        { "general", HostileRecords.Microseconds },
        { "direct", HostileRecords.Nanoseconds },
        { "general", HostileRecords.Nanoseconds },
        { "direct", HostileRecords.FarBeforeYearOne },
        { "general", HostileRecords.FarBeforeYearOne },
        { "direct", long.MaxValue },
        { "general", long.MinValue },
        { "direct", EventTimeRange.LatestUnixMilliseconds + 1 },
        { "general", EventTimeRange.EarliestUnixMilliseconds - 1 },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public async Task A_timestamp_outside_the_event_time_range_gives_TimestampOutOfRange_naming_the_value(string path, long millis)
    {
        var (client, deserializer) = Envelopes(path);
        var bytes = RawAvro.Envelope(await EnvelopeSchemaIdAsync(client), millis);

        var error = await Assert.ThrowsAsync<AvroDecodeException>(() => deserializer.DeserializeAsync(bytes, false, Value));

        Assert.Equal(AvroDecodeError.TimestampOutOfRange, error.Error);
        Assert.Contains($"events.Envelope.timestamp is {millis} ms since 1970", error.Message, StringComparison.Ordinal);
        Assert.Contains(EventTimeRange.Text, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HostileRecords.Microseconds, "read as microseconds it would be 2026-09-21T")]
    [InlineData(HostileRecords.Nanoseconds, "read as nanoseconds it would be 2026-09-21T")]
    public async Task The_message_says_what_a_finer_unit_would_have_meant(long millis, string hint)
    {
        var (client, deserializer) = Envelopes("direct");
        var bytes = RawAvro.Envelope(await EnvelopeSchemaIdAsync(client), millis);

        var error = await Assert.ThrowsAsync<AvroDecodeException>(() => deserializer.DeserializeAsync(bytes, false, Value));

        Assert.Contains(hint, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task The_ends_of_the_event_time_range_are_read(string path)
    {
        var (client, deserializer) = Envelopes(path);
        var id = await EnvelopeSchemaIdAsync(client);

        var earliest = await deserializer.DeserializeAsync(RawAvro.Envelope(id, EventTimeRange.EarliestUnixMilliseconds), false, Value);
        var latest = await deserializer.DeserializeAsync(RawAvro.Envelope(id, EventTimeRange.LatestUnixMilliseconds), false, Value);

        Assert.Equal(EventTimeRange.Earliest, earliest.Timestamp);
        Assert.Equal(EventTimeRange.Latest, latest.Timestamp);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Bytes_after_the_envelope_give_TrailingBytes_with_their_count(string path)
    {
        var (client, deserializer) = Envelopes(path);
        var bytes = RawAvro.Envelope(await EnvelopeSchemaIdAsync(client), Time.ToUnixTimeMilliseconds(), trailing: [1, 2, 3]);

        var error = await Assert.ThrowsAsync<AvroDecodeException>(() => deserializer.DeserializeAsync(bytes, false, Value));

        Assert.Equal(AvroDecodeError.TrailingBytes, error.Error);
        Assert.Contains("3 bytes after the end of its events.Envelope", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Bytes_after_a_device_key_or_a_session_key_give_TrailingBytes(string path)
    {
        var client = registry.NewClient();
        var serdes = new ContractSerdes(client);
        var device = await serdes.DeviceSerializer.SerializeAsync(new Device("d1"), Key);
        var sessionContext = new SerializationContext(MessageComponentType.Key, "decode-kinds-sessions");
        var sessionKey = await serdes.SessionKeySerializer.SerializeAsync(new SessionKey(new Device("d1"), "abcdefghjkmn"), sessionContext);
        IAsyncDeserializer<Device> devices = path == "direct" ? serdes.DeviceDeserializer : new AvroContractDeserializer<Device>(client, new DeviceMapper());
        IAsyncDeserializer<SessionKey> sessionKeys = path == "direct" ? serdes.SessionKeyDeserializer : new AvroContractDeserializer<SessionKey>(client, new SessionKeyMapper());

        var deviceError = await Assert.ThrowsAsync<AvroDecodeException>(() => devices.DeserializeAsync((byte[])[.. device, 0], false, Key));
        var keyError = await Assert.ThrowsAsync<AvroDecodeException>(() => sessionKeys.DeserializeAsync((byte[])[.. sessionKey, 0, 0], false, sessionContext));

        Assert.Equal((AvroDecodeError.TrailingBytes, AvroDecodeError.TrailingBytes), (deviceError.Error, keyError.Error));
        Assert.Contains("1 bytes after the end of its events.Device", deviceError.Message, StringComparison.Ordinal);
        Assert.Contains("2 bytes after the end of its sessions.SessionKey", keyError.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("direct", 7)]
    [InlineData("general", 7)]
    [InlineData("direct", -1)]
    [InlineData("general", -1)]
    public async Task An_event_union_index_outside_the_union_gives_Corrupt_naming_the_index(string path, long index)
    {
        var (client, deserializer) = Envelopes(path);
        var bytes = RawAvro.Envelope(await EnvelopeSchemaIdAsync(client), Time.ToUnixTimeMilliseconds(), unionIndex: index);

        var error = await Assert.ThrowsAsync<AvroDecodeException>(() => deserializer.DeserializeAsync(bytes, false, Value));

        Assert.Equal(AvroDecodeError.Corrupt, error.Error);
        Assert.Contains($"union index {index}", error.Message, StringComparison.Ordinal);
        Assert.Contains("3 branches", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task A_seq_union_index_outside_the_union_gives_Corrupt_naming_the_index(string path)
    {
        var (client, deserializer) = Envelopes(path);
        var bytes = RawAvro.Envelope(await EnvelopeSchemaIdAsync(client), Time.ToUnixTimeMilliseconds());
        bytes[^1] = 0x0a; // seq union index 5 of [null, long]

        var error = await Assert.ThrowsAsync<AvroDecodeException>(() => deserializer.DeserializeAsync(bytes, false, Value));

        Assert.Equal(AvroDecodeError.Corrupt, error.Error);
        Assert.Contains("union index 5", error.Message, StringComparison.Ordinal);
        Assert.Contains("2 branches", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task A_truncated_envelope_gives_Corrupt(string path)
    {
        var (client, deserializer) = Envelopes(path);
        var bytes = RawAvro.Envelope(await EnvelopeSchemaIdAsync(client), Time.ToUnixTimeMilliseconds(), unionIndex: 1);

        var error = await Assert.ThrowsAsync<AvroDecodeException>(() => deserializer.DeserializeAsync(bytes.AsMemory(0, 9), false, Value));

        Assert.Equal(AvroDecodeError.Corrupt, error.Error);
        Assert.Contains("malformed Avro", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task An_unknown_schema_id_gives_UnknownSchemaId_on_both_paths(string path)
    {
        var (_, deserializer) = Envelopes(path);

        var error = await Assert.ThrowsAsync<AvroDecodeException>(() =>
            deserializer.DeserializeAsync(RawAvro.Envelope(HostileRecords.UnknownSchemaId, 0), false, Value));

        Assert.Equal(AvroDecodeError.UnknownSchemaId, error.Error);
        Assert.Contains("987654", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task A_key_that_is_another_record_gives_SchemaMismatch(string path)
    {
        var client = registry.NewClient();
        var serdes = new ContractSerdes(client);
        // Registered under a subject of its own: the registry (BACKWARD) refuses an Envelope as a new version of the
        // subject whose keys are Devices. The bytes are what a producer using the wrong schema would send.
        var envelopeAsKey = await serdes.EnvelopeSerializer.SerializeAsync(new Envelope(DeviceWokeUp.Instance, Time), new SerializationContext(MessageComponentType.Key, "decode-kinds-envelopes"));
        IAsyncDeserializer<Device> devices = path == "direct" ? serdes.DeviceDeserializer : new AvroContractDeserializer<Device>(client, new DeviceMapper());

        var error = await Assert.ThrowsAsync<AvroDecodeException>(() => devices.DeserializeAsync(envelopeAsKey, false, Key));

        Assert.Equal(AvroDecodeError.SchemaMismatch, error.Error);
        Assert.Contains("events.Device", error.Message, StringComparison.Ordinal);
        Assert.Contains("events.Envelope", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task A_key_written_with_a_schema_that_is_not_a_record_gives_SchemaMismatch(string path)
    {
        var client = registry.NewClient();
        var id = await client.RegisterSchemaAsync("decode-kinds-plain-key", new Schema("\"string\"", SchemaType.Avro));
        IAsyncDeserializer<Device> devices = path == "direct" ? new ContractSerdes(client).DeviceDeserializer : new AvroContractDeserializer<Device>(client, new DeviceMapper());
        byte[] bytes = [.. RawAvro.Framing(id), .. RawAvro.Long(2), (byte)'d', (byte)'1'];

        var error = await Assert.ThrowsAsync<AvroDecodeException>(() => devices.DeserializeAsync(bytes, false, Key));

        Assert.Equal(AvroDecodeError.SchemaMismatch, error.Error);
        Assert.Contains("not a record", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_writer_schema_the_direct_codec_does_not_know_goes_the_general_way_with_the_same_kinds()
    {
        // A newer producer's envelope with one more field: valid, but not a layout the direct codec reads.
        var newer = (Avro.RecordSchema)Avro.Schema.Parse(ContractSchemas.Text("Envelope").Replace(
            """{ "name": "seq", "type": ["null", "long"], "default": null }""",
            """{ "name": "seq", "type": ["null", "long"], "default": null }, { "name": "site", "type": "string", "default": "" }""",
            StringComparison.Ordinal));
        var client = registry.NewClient();
        var context = new SerializationContext(MessageComponentType.Value, "decode-kinds-newer");
        var record = new EnvelopeMapper(newer).ToRecord(new Envelope(DeviceWokeUp.Instance, Time));
        record.Add("site", "north");
        var good = await new AvroSerializer<GenericRecord>(client, new AvroSerializerConfig { SubjectNameStrategy = SubjectNameStrategy.Topic }).SerializeAsync(record, context);
        var serdes = new ContractSerdes(client);
        Assert.Equal(new Envelope(DeviceWokeUp.Instance, Time), await serdes.EnvelopeDeserializer.DeserializeAsync(good, false, context));

        byte[] micros = [.. RawAvro.Framing(RawAvro.SchemaId(good)), 0x00, .. RawAvro.Long(HostileRecords.Microseconds), 0x00, .. RawAvro.Long(0)];
        byte[] trailing = [.. good, 0xff];
        var timestampError = await Assert.ThrowsAsync<AvroDecodeException>(() => serdes.EnvelopeDeserializer.DeserializeAsync(micros, false, context));
        var trailingError = await Assert.ThrowsAsync<AvroDecodeException>(() => serdes.EnvelopeDeserializer.DeserializeAsync(trailing, false, context));

        Assert.Equal(AvroDecodeError.TimestampOutOfRange, timestampError.Error);
        Assert.Equal(AvroDecodeError.TrailingBytes, trailingError.Error);
    }

    [Theory]
    [InlineData("started")]
    [InlineData("ended")]
    public async Task A_summary_time_outside_the_range_gives_TimestampOutOfRange_naming_the_field(string field)
    {
        var client = registry.NewClient();
        var serdes = new ContractSerdes(client);
        var context = new SerializationContext(MessageComponentType.Value, "decode-kinds-sessions");
        var summary = new SessionSummary("d", "s", Time, Time, 1, CloseReason.Completed, false, 0, 0, ImmutableSortedDictionary<string, MetricSummary>.Empty);
        var good = await serdes.SessionSummarySerializer.SerializeAsync(summary, context);
        // deviceId "d" and sessionId "s" (2 bytes each), then started and ended: rewrite the one under test.
        var started = RawAvro.Long(Time.ToUnixTimeMilliseconds());
        var at = 5 + 4 + (field == "ended" ? started.Length : 0);
        byte[] bytes = [.. good[..at], .. RawAvro.Long(HostileRecords.Nanoseconds), .. good[(at + started.Length)..]];

        var error = await Assert.ThrowsAsync<AvroDecodeException>(() => serdes.SessionSummaryDeserializer.DeserializeAsync(bytes, false, context));

        Assert.Equal(AvroDecodeError.TimestampOutOfRange, error.Error);
        Assert.Contains($"sessions.SessionSummary.{field} is {HostileRecords.Nanoseconds}", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<Exception, bool> Failures => new()
    {
        { new HttpRequestException("Connection refused"), true },
        { new SchemaRegistryException("unavailable", HttpStatusCode.ServiceUnavailable, 50301), true },
        { new SchemaRegistryException("unauthorized", HttpStatusCode.Unauthorized, 40101), true },
        { new TaskCanceledException("HttpClient.Timeout of 30 seconds elapsing"), true },
        { new TimeoutException(), true },
        { new SchemaRegistryException("Schema not found", HttpStatusCode.NotFound, 40403), false },
        { new AvroDecodeException(AvroDecodeError.UnknownSchemaId, "unknown"), false },
        { new ArgumentOutOfRangeException("value"), false },
        { new InvalidCastException(), false },
        { new FormatException(), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Only_a_registry_that_cannot_be_reached_is_a_passing_failure(Exception failure, bool passing) =>
        Assert.Equal(passing, SchemaRegistryOutage.Is(failure));

    [Fact]
    public void A_cancellation_the_caller_asked_for_is_not_an_outage()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.False(SchemaRegistryOutage.Is(new OperationCanceledException(cancelled.Token), cancelled.Token));
    }

    private (CachedSchemaRegistryClient Client, IAsyncDeserializer<Envelope> Deserializer) Envelopes(string path)
    {
        var client = registry.NewClient();
        return (client, path == "direct" ? new ContractSerdes(client).EnvelopeDeserializer : new AvroContractDeserializer<Envelope>(client, new EnvelopeMapper()));
    }

    private static async Task<int> EnvelopeSchemaIdAsync(ISchemaRegistryClient client) =>
        RawAvro.SchemaId(await new ContractSerdes(client).EnvelopeSerializer.SerializeAsync(new Envelope(DeviceWokeUp.Instance, Time), Value));
}
