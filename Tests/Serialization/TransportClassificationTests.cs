using System.Diagnostics;
using System.Net;
using Azure.Messaging.EventHubs;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Segmenter.Contracts;
using Segmenter.Hosting.Kafka;
using Segmenter.Serialization;
using Segmenter.Streaming.EventHubs;
using Segmenter.Streaming.Kafka;
using Segmenter.Tests.EventHubs;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Serialization;

/// <summary>
/// One classification of decode failures for both transports, through the one codec core: the same malformed bytes
/// get the same kind and reason on Kafka (dead-lettered) and on Event Hubs (skipped), synchronously or not; only an
/// unreachable registry is passing on both, and neither files a record as bad for it.
/// </summary>
public sealed class TransportClassificationTests(SchemaRegistryFixture registry) : IClassFixture<SchemaRegistryFixture>
{
    private const string Topic = "classification-events";

    // The Kafka timestamp exists only on Kafka.
    private static readonly string[] Names =
    [
        "timestamp-microseconds", "timestamp-nanoseconds", "timestamp-before-year-1", "key-not-avro", "key-not-a-device",
        "unknown-schema-id", "truncated-envelope", "trailing-bytes", "union-index-out-of-range",
    ];

    public static TheoryData<string> Cases => new(Names);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_hostile_record_gets_the_same_kind_and_reason_on_Kafka_and_on_Event_Hubs(string name)
    {
        var hostile = (await HostileRecords.ForAsync(new ContractSerdes(registry.NewClient()), Topic, "classification-")).Single(h => h.Name == name);

        var kafka = await new DeviceInputDecoder(new ContractSerdes(registry.NewClient())).DecodeAsync(Consumed(hostile.Key, hostile.Value), CancellationToken.None);
        var eventHubs = new EventHubInputDecoder(new ContractCodecs(registry.NewClient())).Decode(
            EventHubEvents.Received(hostile.Value!, new Dictionary<string, object> { [EventDataLayout.KeyProperty] = hostile.Key! }, null, 11));

        Assert.True(kafka.IsPoison, $"{name} was decoded on Kafka");
        Assert.False(eventHubs.IsDecoded, $"{name} was decoded on Event Hubs");
        Assert.Equal(hostile.Kind, kafka.PoisonKind);
        Assert.Equal(kafka.PoisonKind, eventHubs.Kind);
        Assert.Equal(kafka.PoisonReason, AsOnKafka(eventHubs.Reason));
        Assert.All(hostile.Reason, words => Assert.Contains(words, AsOnKafka(eventHubs.Reason), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_key_or_value_is_Missing_on_both_transports_with_the_same_reason()
    {
        var serdes = new ContractSerdes(registry.NewClient());
        var key = await serdes.DeviceSerializer.SerializeAsync(new Device("d"), new SerializationContext(MessageComponentType.Key, Topic));
        var value = await serdes.EnvelopeSerializer.SerializeAsync(new Envelope(DeviceWokeUp.Instance, DateTimeOffset.UnixEpoch.AddDays(1)), new SerializationContext(MessageComponentType.Value, Topic));
        var kafka = new DeviceInputDecoder(new ContractSerdes(registry.NewClient()));
        var eventHubs = new EventHubInputDecoder(new ContractCodecs(registry.NewClient()));

        // What "nothing there" is, is the transport's: a Kafka null, an empty Event Hubs body or key property.
        var noValue = (await kafka.DecodeAsync(Consumed(key, null), CancellationToken.None), eventHubs.Decode(Event([], key)));
        var noKey = (await kafka.DecodeAsync(Consumed(null, value), CancellationToken.None), eventHubs.Decode(Event(value, [])));

        foreach (var (onKafka, onEventHubs) in new[] { noValue, noKey })
        {
            Assert.Equal((nameof(AvroDecodeError.Missing), nameof(AvroDecodeError.Missing)), (onKafka.PoisonKind, onEventHubs.Kind));
            Assert.Equal(onKafka.PoisonReason, AsOnKafka(onEventHubs.Reason));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_synchronous_and_the_async_reads_of_the_core_fail_alike(string name)
    {
        var hostile = (await HostileRecords.ForAsync(new ContractSerdes(registry.NewClient()), Topic, "classification-")).Single(h => h.Name == name);
        var bytes = name.StartsWith("key-", StringComparison.Ordinal) ? hostile.Key! : hostile.Value!;
        var sync = new ContractCodecs(registry.NewClient());
        var async = new ContractCodecs(registry.NewClient());

        Exception Sync() => name.StartsWith("key-", StringComparison.Ordinal)
            ? Assert.ThrowsAny<Exception>(() => sync.Device.Read(bytes, false, "key"))
            : Assert.ThrowsAny<Exception>(() => sync.Envelope.Read(bytes, false, "value"));
        Task<Exception> Async() => name.StartsWith("key-", StringComparison.Ordinal)
            ? Assert.ThrowsAnyAsync<Exception>(async () => await async.Device.ReadAsync(bytes, false, "key"))
            : Assert.ThrowsAnyAsync<Exception>(async () => await async.Envelope.ReadAsync(bytes, false, "value"));

        var (first, second) = (Sync(), await Async());

        Assert.Equal(DecodeFailure.OfRecord(first), DecodeFailure.OfRecord(second));
        Assert.Equal(hostile.Kind, DecodeFailure.OfRecord(first)!.Kind);
    }

    public static TheoryData<Exception, string?> Failures => new()
    {
        { new AvroDecodeException(AvroDecodeError.TrailingBytes, "3 bytes"), "TrailingBytes" },
        { new AvroDecodeException(AvroDecodeError.NotAvro, "no magic"), "NotAvro" },
        { new InvalidCastException("no cast"), DecodeFailure.DecoderFailedKind },
        { new ArgumentOutOfRangeException("ticks"), DecodeFailure.DecoderFailedKind },
        { new FormatException(), DecodeFailure.DecoderFailedKind },
        { new EndOfStreamException(), DecodeFailure.DecoderFailedKind },
        { new OverflowException(), DecodeFailure.DecoderFailedKind },
        { new Avro.AvroException("bad"), DecodeFailure.DecoderFailedKind },
        { new SchemaRegistryException("Schema not found", HttpStatusCode.NotFound, 40403), DecodeFailure.DecoderFailedKind },
        { new SchemaRegistryUnavailableException("down", new HttpRequestException("refused")), null },
        { new HttpRequestException("Connection refused"), null },
        { new SchemaRegistryException("unavailable", HttpStatusCode.ServiceUnavailable, 50301), null },
        { new TaskCanceledException("HttpClient.Timeout of 30 seconds elapsing"), null },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Every_failure_but_an_outage_is_the_records_whatever_its_type(Exception failure, string? kind) =>
        Assert.Equal(kind, DecodeFailure.OfRecord(failure)?.Kind);

    [Fact]
    public void The_kinds_are_the_stream_providers_and_a_cancellation_the_caller_asked_for_is_nobodys_failure()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Equal(KafkaDecodeResult.DecoderFailedKind, DecodeFailure.DecoderFailedKind);
        Assert.Null(DecodeFailure.OfRecord(new OperationCanceledException(cancelled.Token), cancelled.Token));
        Assert.Equal("System.Collections.Generic.KeyNotFoundException: k", DecodeFailure.OfRecord(new KeyNotFoundException("k"))!.Reason);
    }

    [Fact]
    public async Task An_unreachable_registry_is_passing_on_both_transports_and_comes_quickly()
    {
        var serdes = new ContractSerdes(registry.NewClient());
        var key = await serdes.DeviceSerializer.SerializeAsync(new Device("d"), new SerializationContext(MessageComponentType.Key, Topic));
        var value = await serdes.EnvelopeSerializer.SerializeAsync(new Envelope(DeviceWokeUp.Instance, DateTimeOffset.UnixEpoch.AddDays(1)), new SerializationContext(MessageComponentType.Value, Topic));
        var down = ScriptedSchemaRegistry.Over(registry.NewClient());
        down.Down = true;
        var watch = Stopwatch.StartNew();

        var onKafka = await Record.ExceptionAsync(async () => await new DeviceInputDecoder(new ContractSerdes(down.Client)).DecodeAsync(Consumed(key, value), CancellationToken.None));
        var eventHubs = new EventHubInputDecoder(new ContractCodecs(down.Client));
        var onEventHubs = Record.Exception(() => eventHubs.Decode(Event(value, key)));
        var again = Record.Exception(() => eventHubs.Decode(Event(value, key)));

        Assert.IsType<KafkaDecodeDeferredException>(onKafka);
        Assert.IsType<HttpRequestException>(onKafka.InnerException);
        Assert.IsType<SchemaRegistryUnavailableException>(onEventHubs);
        Assert.IsType<SchemaRegistryUnavailableException>(again);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
        Assert.Equal(2, down.SchemaLookups); // one on each path: the second Event Hubs decode met the remembered outage
    }

    /// <summary>What the Event Hubs layout calls the Kafka record's key and value.</summary>
    private static string? AsOnKafka(string? reason) => reason?
        .Replace($"property '{EventDataLayout.KeyProperty}'", "key", StringComparison.Ordinal)
        .Replace("body", "value", StringComparison.Ordinal);

    private static EventData Event(byte[] body, byte[] key) =>
        EventHubEvents.Received(body, new Dictionary<string, object> { [EventDataLayout.KeyProperty] = key }, null, 11);

    private static ConsumeResult<byte[], byte[]> Consumed(byte[]? key, byte[]? value) => new()
    {
        Topic = Topic,
        Partition = 1,
        Offset = 7,
        Message = new Message<byte[], byte[]> { Key = key!, Value = value!, Headers = [], Timestamp = new Timestamp(DateTimeOffset.UtcNow) },
    };
}
