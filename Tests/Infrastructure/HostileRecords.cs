using Confluent.Kafka;
using Segmenter.Contracts;
using Segmenter.Serialization;

namespace Segmenter.Tests.Infrastructure;

/// <summary>
/// One record a producer that is not ours could write to an <c>events</c> topic, and how Segmenter must report it: the
/// dead-letter kind and words its reason must contain.
/// </summary>
/// <param name="KafkaTimestampMs">The record's own Kafka timestamp, when the case is about it; otherwise the producer's.</param>
internal sealed record HostileRecord(string Name, byte[]? Key, byte[]? Value, string Kind, string[] Reason, long? KafkaTimestampMs = null)
{
    public Message<byte[], byte[]> Message() => new()
    {
        Key = Key!,
        Value = Value!,
        Timestamp = KafkaTimestampMs is { } ms ? new Timestamp(ms, TimestampType.CreateTime) : Timestamp.Default,
    };
}

/// <summary>The hostile records of the poison tests, encoded for one topic through the schema registry.</summary>
internal static class HostileRecords
{
    /// <summary>1.79e15: 2026 in microseconds, read as milliseconds.</summary>
    public const long Microseconds = 1_790_000_000_000_000;

    /// <summary>1.79e18: 2026 in nanoseconds, still a long.</summary>
    public const long Nanoseconds = 1_790_000_000_000_000_000;

    /// <summary>About 1200 BC.</summary>
    public const long FarBeforeYearOne = -100_000_000_000_000;

    public const int UnknownSchemaId = 987_654;

    /// <summary>
    /// Every hostile case of the issue, each with a valid device key unless the key is the case. Names are unique and
    /// the device ids are <paramref name="devicePrefix"/> plus the name.
    /// </summary>
    public static async Task<IReadOnlyList<HostileRecord>> ForAsync(ContractSerdes serdes, string topic, string devicePrefix)
    {
        var valueContext = new SerializationContext(MessageComponentType.Value, topic);
        var keyContext = new SerializationContext(MessageComponentType.Key, topic);
        var time = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
        var valid = await serdes.EnvelopeSerializer.SerializeAsync(new Envelope(new DataReceived("pressure", 1), time), valueContext);
        var schemaId = RawAvro.SchemaId(valid);
        async Task<byte[]> Key(string name) => await serdes.DeviceSerializer.SerializeAsync(new Device(devicePrefix + name), keyContext);

        return
        [
            new("timestamp-microseconds", await Key("timestamp-microseconds"), RawAvro.Envelope(schemaId, Microseconds),
                nameof(AvroDecodeError.TimestampOutOfRange), ["events.Envelope.timestamp", "1790000000000000", "microseconds"]),
            new("timestamp-nanoseconds", await Key("timestamp-nanoseconds"), RawAvro.Envelope(schemaId, Nanoseconds),
                nameof(AvroDecodeError.TimestampOutOfRange), ["events.Envelope.timestamp", "1790000000000000000", "nanoseconds"]),
            new("timestamp-before-year-1", await Key("timestamp-before-year-1"), RawAvro.Envelope(schemaId, FarBeforeYearOne),
                nameof(AvroDecodeError.TimestampOutOfRange), ["events.Envelope.timestamp", "-100000000000000", "0002-01-01"]),
            new("kafka-timestamp-microseconds", await Key("kafka-timestamp-microseconds"), valid,
                nameof(AvroDecodeError.TimestampOutOfRange), ["Kafka timestamp", "1790000000000000"], KafkaTimestampMs: Microseconds),
            new("key-not-avro", "device-7"u8.ToArray(), valid,
                nameof(AvroDecodeError.NotAvro), ["key", "magic byte"]),
            new("key-not-a-device", valid, valid,
                nameof(AvroDecodeError.SchemaMismatch), ["events.Device", "events.Envelope"]),
            new("unknown-schema-id", await Key("unknown-schema-id"), RawAvro.Envelope(UnknownSchemaId, time.ToUnixTimeMilliseconds()),
                nameof(AvroDecodeError.UnknownSchemaId), ["987654"]),
            new("truncated-envelope", await Key("truncated-envelope"), valid[..9],
                nameof(AvroDecodeError.Corrupt), ["value", "malformed"]),
            new("trailing-bytes", await Key("trailing-bytes"), [.. valid, 0xca, 0xfe, 0x00],
                nameof(AvroDecodeError.TrailingBytes), ["3 bytes after the end of its events.Envelope"]),
            new("union-index-out-of-range", await Key("union-index-out-of-range"), RawAvro.Envelope(schemaId, time.ToUnixTimeMilliseconds(), unionIndex: 7),
                nameof(AvroDecodeError.Corrupt), ["union index 7", "3 branches"]),
        ];
    }
}
