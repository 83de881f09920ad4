using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Segmenter.Streaming.Kafka.Metrics;
using Segmenter.Streaming.Kafka.Producing;
using Segmenter.Tests.Infrastructure;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace Segmenter.Tests.Kafka;

/// <summary>
/// A dead letter that cannot be written as it is never stops the partition: it falls back to a shape the topic takes,
/// and a record no shape of can be written is given up on visibly (an error naming its position, a counter). Only a
/// broker that cannot be reached now makes the caller retry. The producer here is scripted: each write gets the next
/// answer.
/// </summary>
public sealed class DeadLetterPublisherTests
{
    private static readonly long Microseconds = 1_790_000_000_000_000;

    [Fact]
    public async Task Every_shape_gets_the_producers_timestamp_and_keeps_the_original_in_headers()
    {
        var producer = new ScriptedProducer(Ok());
        var (publisher, metrics, _) = Publisher(producer);

        Assert.True(await publisher.PublishAsync(Record(timestamp: new Timestamp(Microseconds, TimestampType.LogAppendTime)), "Kind", "why"));

        var letter = Assert.Single(producer.Written);
        Assert.Equal(Timestamp.Default, letter.Timestamp);
        Assert.Equal(("LogAppendTime", "1790000000000000"), (Header(letter, DeadLetterPublisher.SourceTimestampTypeHeader), Header(letter, DeadLetterPublisher.SourceTimestampHeader)));
        Assert.Equal(("Kind", "why", "events", "2", "7"), (Header(letter, DeadLetterPublisher.KindHeader), Header(letter, DeadLetterPublisher.ReasonHeader),
            Header(letter, DeadLetterPublisher.SourceTopicHeader), Header(letter, DeadLetterPublisher.SourcePartitionHeader), Header(letter, DeadLetterPublisher.SourceOffsetHeader)));
        Assert.Equal((1, 0), (metrics.Snapshot().RecordsDeadLettered, metrics.Snapshot().RecordsDeadLetterLost));
    }

    [Fact]
    public async Task A_record_the_client_refuses_falls_back_to_the_headers_only_copy_under_its_small_original_key()
    {
        var producer = new ScriptedProducer(Throw(new ArgumentException("Timestamp must be either Timestamp.Default, or Timestamp.CreateTime.")), Ok());
        var (publisher, metrics, log) = Publisher(producer);

        Assert.True(await publisher.PublishAsync(Record(), "Kind", "why"));

        Assert.Equal(2, producer.Written.Count);
        var bare = producer.Written[1];
        Assert.Equal("device-1", Encoding.UTF8.GetString(bare.Key));
        Assert.Empty(bare.Value); // empty, not null: null is a deletion on a compacted topic
        Assert.Equal(("true", "Kind", "why", "7"), (Header(bare, DeadLetterPublisher.TruncatedHeader), Header(bare, DeadLetterPublisher.KindHeader),
            Header(bare, DeadLetterPublisher.ReasonHeader), Header(bare, DeadLetterPublisher.SourceOffsetHeader)));
        Assert.StartsWith("System.ArgumentException: Timestamp must be", Header(bare, DeadLetterPublisher.TruncatedReasonHeader), StringComparison.Ordinal);
        Assert.False(bare.Headers.TryGetLastBytes("trace", out _));
        Assert.Equal((1, 0), (metrics.Snapshot().RecordsDeadLettered, metrics.Snapshot().RecordsDeadLetterLost));
        Assert.Contains(log.Lines, l => l.Level == LogLevel.Error && l.Text.Contains("writing the dlq.* headers only", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(DeadLetterPublisher.KeptBytes + 1)]
    public async Task A_headers_only_copy_of_a_record_without_a_small_key_is_keyed_by_its_source_position(int? keyBytes)
    {
        var producer = new ScriptedProducer(Throw(new ProduceException<byte[], byte[]>(new Error(ErrorCode.InvalidRecord), null!)), Ok());
        var (publisher, _, _) = Publisher(producer);

        Assert.True(await publisher.PublishAsync(Record(key: keyBytes is { } n ? new byte[n] : null, noKey: keyBytes is null), "Kind", "why"));

        Assert.Equal("events/2/7", Encoding.UTF8.GetString(producer.Written[1].Key));
        Assert.StartsWith("InvalidRecord: ", Header(producer.Written[1], DeadLetterPublisher.TruncatedReasonHeader), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_copy_that_is_refused_too_falls_back_to_headers_only()
    {
        var producer = new ScriptedProducer(
            Throw(new ProduceException<byte[], byte[]>(new Error(ErrorCode.MsgSizeTooLarge), null!)),
            Throw(new ProduceException<byte[], byte[]>(new Error(ErrorCode.PolicyViolation), null!)),
            Ok());
        var (publisher, metrics, _) = Publisher(producer);

        Assert.True(await publisher.PublishAsync(Record(value: new byte[5_000]), "Kind", "why"));

        Assert.Equal([5_000, DeadLetterPublisher.KeptBytes, 0], producer.Written.Select(m => m.Value.Length));
        Assert.StartsWith("MsgSizeTooLarge: ", Header(producer.Written[1], DeadLetterPublisher.TruncatedReasonHeader), StringComparison.Ordinal);
        Assert.StartsWith("PolicyViolation: ", Header(producer.Written[2], DeadLetterPublisher.TruncatedReasonHeader), StringComparison.Ordinal);
        Assert.Equal("5000", Header(producer.Written[2], DeadLetterPublisher.OriginalValueBytesHeader));
        Assert.Equal(1, metrics.Snapshot().RecordsDeadLettered);
    }

    [Fact]
    public async Task A_record_no_shape_of_can_be_written_is_given_up_on_with_an_error_naming_its_position_and_counted()
    {
        var refusal = new ProduceException<byte[], byte[]>(new Error(ErrorCode.InvalidRecord), null!);
        var producer = new ScriptedProducer(Throw(new ArgumentException("no")), Throw(refusal));
        var (publisher, metrics, log) = Publisher(producer);

        Assert.False(await publisher.PublishAsync(Record(), "DeliveryFailed", "the grain threw"));

        Assert.Equal(2, producer.Written.Count);
        Assert.Equal((0, 1), (metrics.Snapshot().RecordsDeadLettered, metrics.Snapshot().RecordsDeadLetterLost));
        var lost = Assert.Single(log.Lines, l => l.Text.Contains("WITHOUT a dead letter", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Error, lost.Level);
        Assert.Equal(("events", 2, 7L, "DeliveryFailed"), (lost.Fields["Topic"], lost.Fields["Partition"], lost.Fields["Offset"], lost.Fields["Kind"]));
        Assert.Contains("InvalidRecord", (string)lost.Fields["Refusal"]!, StringComparison.Ordinal);
    }

    public static TheoryData<Exception> PassingFailures() => new()
    {
        new ProduceException<byte[], byte[]>(new Error(ErrorCode.Local_MsgTimedOut), null!),
        new ProduceException<byte[], byte[]>(new Error(ErrorCode.Local_AllBrokersDown), null!),
        new KafkaException(new Error(ErrorCode.Local_QueueFull)),
        new KafkaException(new Error(ErrorCode.NotEnoughReplicas)),
        new ObjectDisposedException("producer"),
    };

    [Theory]
    [MemberData(nameof(PassingFailures))]
    public async Task A_broker_that_cannot_be_reached_now_is_the_callers_to_retry_and_nothing_else_is_tried(Exception failure)
    {
        var producer = new ScriptedProducer(Throw(failure));
        var (publisher, metrics, _) = Publisher(producer);

        Assert.Same(failure, await Assert.ThrowsAnyAsync<Exception>(() => publisher.PublishAsync(Record(), "Kind", "why")));

        Assert.Single(producer.Written);
        Assert.Equal((0, 0), (metrics.Snapshot().RecordsDeadLettered, metrics.Snapshot().RecordsDeadLetterLost));
    }

    private static (DeadLetterPublisher, KafkaStreamMetrics, RecordingLogger) Publisher(IRecordProducer producer)
    {
        var metrics = new KafkaStreamMetrics($"dlq-test-{Guid.NewGuid():N}");
        var log = new RecordingLogger();
        return (new DeadLetterPublisher(producer, "dlq", metrics, log), metrics, log);
    }

    private static ConsumeResult<byte[], byte[]> Record(byte[]? key = null, byte[]? value = null, Timestamp? timestamp = null, bool noKey = false) => new()
    {
        Topic = "events",
        Partition = 2,
        Offset = 7,
        Message = new Message<byte[], byte[]>
        {
            Key = key ?? (noKey ? null! : "device-1"u8.ToArray()),
            Value = value ?? "value"u8.ToArray(),
            Timestamp = timestamp ?? new Timestamp(1_780_000_000_000, TimestampType.CreateTime),
            Headers = new Headers { { "trace", "t-1"u8.ToArray() } },
        },
    };

    private static string Header(Message<byte[], byte[]> message, string name) =>
        Encoding.UTF8.GetString(message.Headers.GetLastBytes(name));

    private static Func<Task> Ok() => () => Task.CompletedTask;

    private static Func<Task> Throw(Exception failure) => () => Task.FromException(failure);

    /// <summary>Answers the n-th write with the n-th step; records every message it was given.</summary>
    private sealed class ScriptedProducer(params Func<Task>[] steps) : IRecordProducer
    {
        public List<Message<byte[], byte[]>> Written { get; } = [];

        public Task ProduceAllAsync(IReadOnlyList<(string Topic, Message<byte[], byte[]> Message)> messages)
        {
            var (topic, message) = Assert.Single(messages);
            Assert.Equal("dlq", topic);
            Written.Add(message);
            return steps[Written.Count - 1]();
        }
    }
}

/// <summary>
/// The same against the broker: source timestamps a producer cannot or should not write (a <c>LogAppendTime</c>, which
/// Confluent's client refuses outright, and microseconds read as milliseconds) still give a whole dead letter.
/// </summary>
[Collection(KafkaTestGroup.Name)]
public sealed class DeadLetterTimestampTests(EmbeddedKafkaFixture kafka)
{
    [Theory]
    [InlineData(TimestampType.LogAppendTime, 1_780_000_000_000)]
    [InlineData(TimestampType.CreateTime, 1_790_000_000_000_000)]
    public async Task A_source_timestamp_no_producer_may_write_is_kept_in_headers_and_the_record_is_written_whole(TimestampType type, long ms)
    {
        var topic = kafka.NewTopic("dlq-ts", partitions: 1);
        var metrics = new KafkaStreamMetrics($"dlq-ts-{Guid.NewGuid():N}");
        using var producer = new KafkaProducerHost(new Segmenter.Streaming.Kafka.KafkaStreamOptions { BootstrapServers = kafka.BootstrapServers }, "dlq-ts", new RecordingLogger());
        var publisher = new DeadLetterPublisher(producer, topic, metrics, new RecordingLogger());
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        var source = new ConsumeResult<byte[], byte[]>
        {
            Topic = "events",
            Partition = 0,
            Offset = 3,
            Message = new Message<byte[], byte[]> { Key = "k"u8.ToArray(), Value = "v"u8.ToArray(), Timestamp = new Timestamp(ms, type) },
        };

        Assert.True(await publisher.PublishAsync(source, "Kind", "why"));

        var letter = Assert.Single(kafka.ReadToEnd(topic, 1, TimeSpan.FromSeconds(30)));
        Assert.Equal(("k", "v"), (Encoding.UTF8.GetString(letter.Message.Key), Encoding.UTF8.GetString(letter.Message.Value)));
        Assert.False(letter.Message.Headers.TryGetLastBytes(DeadLetterPublisher.TruncatedHeader, out _));
        Assert.InRange(letter.Message.Timestamp.UtcDateTime, before.UtcDateTime, DateTime.UtcNow.AddSeconds(5));
        Assert.Equal((type.ToString(), ms.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (Encoding.UTF8.GetString(letter.Message.Headers.GetLastBytes(DeadLetterPublisher.SourceTimestampTypeHeader)),
             Encoding.UTF8.GetString(letter.Message.Headers.GetLastBytes(DeadLetterPublisher.SourceTimestampHeader))));
    }
}
