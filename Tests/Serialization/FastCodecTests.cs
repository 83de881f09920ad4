using System.Collections.Immutable;
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
/// The direct binary codecs of the per-event records write exactly the bytes Confluent's Avro serializer writes for the
/// same generic record, and read them back; so they are an optimisation, not a second wire format.
/// </summary>
public sealed class FastCodecTests(SchemaRegistryFixture registry) : IClassFixture<SchemaRegistryFixture>
{
    private static readonly DateTimeOffset Time = new(2026, 7, 8, 9, 10, 11, 121, TimeSpan.Zero);

    public static TheoryData<Envelope> Envelopes => new()
    {
        new Envelope(DeviceWokeUp.Instance, Time),
        new Envelope(DeviceWokeUp.Instance, Time, Seq: 1),
        new Envelope(new DataReceived("pressure", 0.275), Time, Seq: 300),
        new Envelope(new DataReceived("", -0.0), DateTimeOffset.UnixEpoch.AddMilliseconds(-5)),
        new Envelope(new DataReceived("ünïcødé ✓", double.MaxValue), Time, Seq: long.MinValue),
        new Envelope(AllDataReceived.Instance, Time, Seq: long.MaxValue),
    };

    [Theory]
    [MemberData(nameof(Envelopes))]
    public async Task Envelope_bytes_equal_the_generic_serializers_and_read_back(Envelope envelope)
    {
        var client = registry.NewClient();
        var context = new SerializationContext(MessageComponentType.Value, "fast-envelopes");
        var generic = new AvroSerializer<GenericRecord>(client, new AvroSerializerConfig { SubjectNameStrategy = SubjectNameStrategy.Topic });
        var expected = await generic.SerializeAsync(new EnvelopeMapper().ToRecord(envelope), context);
        var serdes = new ContractSerdes(client);

        var actual = await serdes.EnvelopeSerializer.SerializeAsync(envelope, context);

        Assert.Equal(expected, actual);
        Assert.Equal(envelope, await serdes.EnvelopeDeserializer.DeserializeAsync(actual, false, context));
        Assert.Equal(envelope, await new AvroContractDeserializer<Envelope>(client, new EnvelopeMapper()).DeserializeAsync(actual, false, context));
    }

    [Theory]
    [InlineData("device-1", "abcdefghjkmn")]
    [InlineData("", "")]
    [InlineData("дом-42", "x")]
    public async Task Key_bytes_equal_the_generic_serializers_and_read_back(string deviceId, string sessionId)
    {
        var client = registry.NewClient();
        var keyContext = new SerializationContext(MessageComponentType.Key, "fast-keys");
        var generic = new AvroSerializer<GenericRecord>(client, new AvroSerializerConfig { SubjectNameStrategy = SubjectNameStrategy.Topic });
        var serdes = new ContractSerdes(client);
        var device = new Device(deviceId);
        var key = new SessionKey(device, sessionId);
        var sessionContext = new SerializationContext(MessageComponentType.Key, "fast-session-keys");

        var deviceBytes = await serdes.DeviceSerializer.SerializeAsync(device, keyContext);
        var keyBytes = await serdes.SessionKeySerializer.SerializeAsync(key, sessionContext);

        Assert.Equal(await generic.SerializeAsync(new DeviceMapper().ToRecord(device), keyContext), deviceBytes);
        Assert.Equal(await generic.SerializeAsync(new SessionKeyMapper().ToRecord(key), sessionContext), keyBytes);
        Assert.Equal(device, await serdes.DeviceDeserializer.DeserializeAsync(deviceBytes, false, keyContext));
        Assert.Equal(key, await serdes.SessionKeyDeserializer.DeserializeAsync(keyBytes, false, sessionContext));
    }

    public static TheoryData<int, CloseReason, bool> Summaries => new()
    {
        { 0, CloseReason.Completed, false },
        { 1, CloseReason.TimedOut, true },
        { 3, CloseReason.Superseded, false },
        { 64, CloseReason.MaxDuration, true },
    };

    [Theory]
    [MemberData(nameof(Summaries))]
    public async Task Summary_bytes_equal_the_generic_serializers_and_read_back(int metricNames, CloseReason reason, bool withoutWakeUp)
    {
        var client = registry.NewClient();
        var context = new SerializationContext(MessageComponentType.Value, "fast-summaries");
        var generic = new AvroSerializer<GenericRecord>(client, new AvroSerializerConfig { SubjectNameStrategy = SubjectNameStrategy.Topic });
        var metrics = Enumerable.Range(0, metricNames).ToImmutableSortedDictionary(
            i => i == 1 ? "température" : $"m{i:D2}", i => new MetricSummary(i + 1, -i - 0.5, i * 1e300, i / 3.0, double.Epsilon * i), StringComparer.Ordinal);
        var summary = new SessionSummary("дом-42", "abcdefghjkmn", Time, Time.AddSeconds(3.25), long.MaxValue, reason, withoutWakeUp, 7, long.MinValue, metrics);
        var serdes = new ContractSerdes(client);

        var actual = await serdes.SessionSummarySerializer.SerializeAsync(summary, context);

        Assert.Equal(await generic.SerializeAsync(new SessionSummaryMapper().ToRecord(summary), context), actual);
        Assert.Equal(summary, await serdes.SessionSummaryDeserializer.DeserializeAsync(actual, false, context));
    }
}
