using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Segmenter.Contracts;
using Segmenter.Serialization;
using Segmenter.Hosting.Kafka;
using Segmenter.Streaming.Kafka;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Serialization;

/// <summary>
/// The Kafka decoder of <c>events</c> records keeps the provider's contract (<see cref="IKafkaRecordDecoder"/>): every
/// hostile record is poison with its kind and a reason naming the problem, an unreachable registry defers the record,
/// and nothing else is thrown for bad bytes.
/// </summary>
public sealed class DeviceInputDecoderTests(SchemaRegistryFixture registry) : IClassFixture<SchemaRegistryFixture>
{
    private const string Topic = "decoder-events";

    private static readonly string[] Names =
    [
        "timestamp-microseconds", "timestamp-nanoseconds", "timestamp-before-year-1", "kafka-timestamp-microseconds", "key-not-avro",
        "key-not-a-device", "unknown-schema-id", "truncated-envelope", "trailing-bytes", "union-index-out-of-range",
    ];

    public static TheoryData<string> Cases => new(Names);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_hostile_record_is_poison_with_its_kind_and_a_reason_naming_the_problem(string name)
    {
        var serdes = new ContractSerdes(registry.NewClient());
        var hostile = (await HostileRecords.ForAsync(serdes, Topic, "decoder-")).Single(h => h.Name == name);

        var result = await new DeviceInputDecoder(serdes).DecodeAsync(Consumed(hostile.Message()), CancellationToken.None);

        Assert.True(result.IsPoison, $"{name} was decoded");
        Assert.Equal(hostile.Kind, result.PoisonKind);
        Assert.All(hostile.Reason, words => Assert.Contains(words, result.PoisonReason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_hostile_case_is_covered()
    {
        var hostile = await HostileRecords.ForAsync(new ContractSerdes(registry.NewClient()), Topic, "decoder-");
        Assert.Equal(hostile.Select(h => h.Name).Order(), Names.Order());
    }

    [Fact]
    public async Task A_good_record_after_them_is_decoded_with_its_times()
    {
        var serdes = new ContractSerdes(registry.NewClient());
        var envelope = new Envelope(new DataReceived("pressure", 1), new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero), Seq: 4);
        var message = new Message<byte[], byte[]>
        {
            Key = await serdes.DeviceSerializer.SerializeAsync(new Device("good"), new SerializationContext(MessageComponentType.Key, Topic)),
            Value = await serdes.EnvelopeSerializer.SerializeAsync(envelope, new SerializationContext(MessageComponentType.Value, Topic)),
            Timestamp = new Timestamp(EventTimeRange.LatestUnixMilliseconds, TimestampType.CreateTime),
        };

        var result = await new DeviceInputDecoder(serdes).DecodeAsync(Consumed(message), CancellationToken.None);

        Assert.False(result.IsPoison, result.PoisonReason);
        var input = Assert.IsType<DeviceInput>(result.Event);
        Assert.Equal((envelope, EventTimeRange.Latest), (input.Envelope, input.RecordTimestamp!.Value));
        Assert.Equal(envelope.Timestamp, result.EventTime);
    }

    [Fact]
    public async Task An_unreachable_registry_defers_the_record_instead_of_dead_lettering_it()
    {
        var good = await new ContractSerdes(registry.NewClient()).EnvelopeSerializer.SerializeAsync(
            new Envelope(DeviceWokeUp.Instance, DateTimeOffset.UnixEpoch.AddDays(1)), new SerializationContext(MessageComponentType.Value, Topic));
        var key = await new ContractSerdes(registry.NewClient()).DeviceSerializer.SerializeAsync(new Device("d"), new SerializationContext(MessageComponentType.Key, Topic));
        using var unreachable = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = "http://127.0.0.1:9", MaxRetries = 1 });

        var error = await Record.ExceptionAsync(async () =>
            await new DeviceInputDecoder(new ContractSerdes(unreachable)).DecodeAsync(Consumed(new Message<byte[], byte[]> { Key = key, Value = good }), CancellationToken.None));

        Assert.IsType<KafkaDecodeDeferredException>(error);
        Assert.IsType<HttpRequestException>(error.InnerException);
    }

    [Fact]
    public void A_failure_is_named_by_its_decode_kind_or_as_DecoderFailed_with_the_exception()
    {
        Assert.Equal(new DecodeFailure("TrailingBytes", "3 bytes"), DecodeFailure.Of(new AvroDecodeException(AvroDecodeError.TrailingBytes, "3 bytes")));
        Assert.Equal(new DecodeFailure("DecoderFailed", "System.InvalidCastException: no cast"), DecodeFailure.Of(new InvalidCastException("no cast")));
    }

    private static ConsumeResult<byte[], byte[]> Consumed(Message<byte[], byte[]> message) => new()
    {
        Topic = Topic,
        Partition = 2,
        Offset = 40,
        Message = new Message<byte[], byte[]>
        {
            Key = message.Key,
            Value = message.Value,
            Headers = [],
            // As the consumer hands it over: the producer's "now" has become a real time.
            Timestamp = message.Timestamp.Type == TimestampType.NotAvailable ? new Timestamp(DateTimeOffset.UtcNow) : message.Timestamp,
        },
    };
}
