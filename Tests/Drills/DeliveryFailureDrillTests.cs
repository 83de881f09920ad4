using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization.Invocation;
using Segmenter.Contracts;
using Segmenter.Grains.Options;
using Segmenter.Serialization;
using Segmenter.Streaming.Kafka;
using Segmenter.Streaming.Kafka.Metrics;
using Segmenter.Streaming.Kafka.Producing;
using Segmenter.Tests.Infrastructure;
using Segmenter.Tests.Pipeline;
using Xunit.Abstractions;

namespace Segmenter.Tests.Drills;

/// <summary>
/// No record stops a partition: a record whose delivery fails every time (here: the device's grain throws for it, or its
/// output is more than the producer may write) goes to the dead-letter topic once the bounded retries are spent, the
/// partition and the device go on, and nothing else is lost. An outage (Redis unreachable) is not such a failure: it
/// stalls and resumes (see FailureDrillTests).
/// </summary>
[Collection(KafkaTestGroup.Name)]
public sealed class DeliveryFailureDrillTests(EmbeddedKafkaFixture kafka, SchemaRegistryFixture registry, RedisFixture redis, ITestOutputHelper output)
{
    private const long CursedSeq = 3;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan MinimumTime = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_record_whose_delivery_always_fails_is_dead_lettered_after_the_bounded_retries_and_everything_else_flows()
    {
        CursedRecordFilter.FirstThrownAt = null;
        await using var pipeline = await SegmenterTestPipeline.StartAsync(kafka, registry, redis, partitions: 1,
            kafkaOptions: o => { o.DeliveryAttempts = 3; o.DeliveryFailureMinimumTime = MinimumTime; },
            silo: silo => silo.AddIncomingGrainCallFilter<CursedRecordFilter>());
        using var deliveryFailed = DeadLetteredCounter(pipeline, "DeliveryFailed");
        var t0 = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        // The cursed device's third record fails in its grain every time; it is alone in its read (produced after a
        // pause), so only it is dead-lettered. Other devices share the partition and keep flowing meanwhile.
        await pipeline.ProduceAsync("cursed", new Envelope(DeviceWokeUp.Instance, t0, 1));
        await pipeline.ProduceAsync("cursed", new Envelope(new DataReceived("pressure", 1), t0.AddMilliseconds(100), 2));
        await SegmenterTestPipeline.WaitUntilAsync(() => pipeline.Events.Count == 2, Patience, "the cursed device's first records");
        var cursed = await pipeline.ProduceAsync("cursed", new Envelope(new DataReceived("pressure", 2), t0.AddMilliseconds(200), CursedSeq));
        var others = new List<SourcePosition>();
        for (var i = 0; i < 20; i++)
            others.Add(await pipeline.ProduceAsync($"bystander-{i % 4}", new Envelope(i < 4 ? DeviceWokeUp.Instance : new DataReceived("wind", i), t0.AddMilliseconds(300 + i), i + 1)));

        await SegmenterTestPipeline.WaitUntilAsync(() => pipeline.Events.Count >= 22, Patience, "the bystanders' records");
        Assert.True(await SegmenterTestPipeline.EventuallyAsync(() => kafka.Committed(pipeline.EventsTopic, 1, pipeline.Run).Sum() > cursed.Offset, Patience),
            "the partition's commit did not pass the dead-lettered record");

        // Then the device goes on: its next record is accepted (the retries took longer than the timeout, so the first
        // session timed out meanwhile and the closing record completes a session of its own).
        var next = await pipeline.ProduceAsync("cursed", new Envelope(AllDataReceived.Instance, t0.AddMilliseconds(400), CursedSeq + 1));
        await SegmenterTestPipeline.WaitUntilAsync(() => pipeline.Summaries.Any(s => s.DeviceId == "cursed" && s.Reason == CloseReason.Completed), Patience, "the cursed device's next session");

        // Every input record committed: nothing can still be on its way to the dead-letter topic, which is read whole.
        await pipeline.WaitUntilInputCommittedAsync(Patience);
        var dead = pipeline.DeadLetters(Patience);
        output.WriteLine($"dead letters: {string.Join("; ", dead.Select(d => $"{Header(d, "dlq.kind")} @{Header(d, "dlq.source.offset")}: {Header(d, "dlq.reason")}"))}");
        var letter = Assert.Single(dead);
        Assert.Equal("DeliveryFailed", Header(letter, "dlq.kind"));
        Assert.Equal(cursed.Offset.ToString(CultureInfo.InvariantCulture), Header(letter, "dlq.source.offset"));
        var reason = Header(letter, "dlq.reason");
        var counted = System.Text.RegularExpressions.Regex.Match(reason, @"^Delivery to the consumers of stream events/cursed failed (\d+) times over [\d.]+ s; last: ");
        Assert.True(counted.Success, $"unexpected reason: {reason}");
        Assert.InRange(int.Parse(counted.Groups[1].Value, CultureInfo.InvariantCulture), 3, 10);
        Assert.Contains(CursedRecordFilter.Message, reason, StringComparison.Ordinal);
        // Not before the minimum time, however many attempts were made sooner (the agent retries after 1, 2, 4 s).
        Assert.True(letter.Message.Timestamp.UtcDateTime - CursedRecordFilter.FirstThrownAt!.Value.UtcDateTime >= MinimumTime,
            $"dead-lettered {letter.Message.Timestamp.UtcDateTime - CursedRecordFilter.FirstThrownAt!.Value.UtcDateTime} after the first failure");

        Assert.DoesNotContain(pipeline.Events, e => e.Source == cursed);
        Assert.True(others.All(p => pipeline.Events.Any(e => e.Source == p)), "a bystander's record is missing");
        Assert.Contains(pipeline.Events, e => e.Source == next);
        Assert.Equal(3, pipeline.Events.Count(e => e.Key.Device.Id == "cursed"));
        Assert.Equal(1, deliveryFailed.Total);
        Assert.Equal(1, Metrics(pipeline).Snapshot().RecordsDeadLettered);
    }

    [Fact]
    public async Task A_valid_record_whose_output_is_too_large_to_produce_is_dead_lettered_truncated_and_the_device_goes_on()
    {
        // A data event with a 1.1 MB name: the input producer here may write it (4 MB), the silo's producer may not write
        // the session event it makes of it (librdkafka's message.max.bytes, 1,000,000). The grain fails the same way on
        // every attempt; the record is too large for the dead-letter topic as well, so its letter is truncated.
        await using var pipeline = await SegmenterTestPipeline.StartAsync(kafka, registry, redis, partitions: 1,
            kafkaOptions: o => { o.DeliveryAttempts = 2; o.DeliveryFailureMinimumTime = TimeSpan.Zero; });
        using var deliveryFailed = DeadLetteredCounter(pipeline, "DeliveryFailed");
        var t0 = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var serdes = new ContractSerdes(registry.NewClient());

        await pipeline.ProduceAsync("huge", new Envelope(DeviceWokeUp.Instance, t0, 1));
        await SegmenterTestPipeline.WaitUntilAsync(() => pipeline.Events.Count == 1, Patience, "the device's wake-up");
        var hugeName = new string('n', 1_100_000);
        byte[] hugeValue;
        DeliveryResult<byte[], byte[]> huge;
        using (var producer = kafka.NewProducer(messageMaxBytes: 4_000_000))
        {
            var key = await serdes.DeviceSerializer.SerializeAsync(new Device("huge"), new SerializationContext(MessageComponentType.Key, pipeline.EventsTopic));
            hugeValue = await serdes.EnvelopeSerializer.SerializeAsync(new Envelope(new DataReceived(hugeName, 1), t0.AddMilliseconds(100), 2),
                new SerializationContext(MessageComponentType.Value, pipeline.EventsTopic));
            huge = await producer.ProduceAsync(pipeline.EventsTopic, new Message<byte[], byte[]> { Key = key, Value = hugeValue });
        }

        var closing = await pipeline.ProduceAsync("huge", new Envelope(AllDataReceived.Instance, t0.AddMilliseconds(200), 3));
        await SegmenterTestPipeline.WaitUntilAsync(() => pipeline.Summaries.Any(s => s.DeviceId == "huge"), Patience, "the device's session");
        await pipeline.WaitUntilInputCommittedAsync(Patience);
        var dead = pipeline.DeadLetters(Patience);

        var letter = Assert.Single(dead);
        output.WriteLine($"dead letter: {Header(letter, "dlq.reason")}");
        Assert.Equal(("DeliveryFailed", huge.Offset.Value.ToString(CultureInfo.InvariantCulture), "true"),
            (Header(letter, DeadLetterPublisher.KindHeader), Header(letter, DeadLetterPublisher.SourceOffsetHeader), Header(letter, DeadLetterPublisher.TruncatedHeader)));
        // Read alone, or together with the closing record (whichever the agent's read caught) and then delivered alone.
        Assert.Matches(@"^Delivery to the consumers of stream events/huge (failed \d+ times over [\d.]+ s; last|of the 2 records read together at offsets \d+\.\.\d+ failed \d+ times over [\d.]+ s; delivered alone, this record failed too): Confluent\.Kafka\.ProduceException<Byte\[\], Byte\[\]>: Broker: Message size too large$",
            Header(letter, DeadLetterPublisher.ReasonHeader));
        Assert.Equal(hugeValue.Length.ToString(CultureInfo.InvariantCulture), Header(letter, DeadLetterPublisher.OriginalValueBytesHeader));
        Assert.Equal(hugeValue[..DeadLetterPublisher.KeptBytes], letter.Message.Value);

        // The device goes on: its closing record completes a session of the two events that could be written.
        Assert.DoesNotContain(pipeline.Events, e => e.Source.Offset == huge.Offset.Value);
        Assert.Contains(pipeline.Events, e => e.Source == closing);
        var summary = Assert.Single(pipeline.Summaries, s => s.DeviceId == "huge");
        Assert.Equal((CloseReason.Completed, 2L), (summary.Reason, summary.EventCount));
        Assert.Equal(1, deliveryFailed.Total);
    }

    private static KafkaStreamMetrics Metrics(SegmenterTestPipeline pipeline) =>
        pipeline.Cluster.Silos[0].ServiceProvider.GetRequiredService<KafkaStreamMetricsRegistry>().Get(SegmenterOptions.StreamProvider)!;

    /// <summary>The exported dead-letter counter for this run's input topic and one kind.</summary>
    private static CounterReader DeadLetteredCounter(SegmenterTestPipeline pipeline, string kind) =>
        new(KafkaStreamMetrics.MeterName, "kafka.stream.records.dead_lettered",
            tags => Equals(tags.GetValueOrDefault("topic"), pipeline.EventsTopic) && Equals(tags.GetValueOrDefault("kind"), kind));

    private static string Header(ConsumeResult<byte[], byte[]> record, string name) =>
        Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(name));

    /// <summary>A grain that cannot take one particular record: it throws whenever a delivery holds it.</summary>
    private sealed class CursedRecordFilter : IIncomingGrainCallFilter
    {
        public const string Message = "this record is cursed";

        /// <summary>When the first delivery of the cursed record failed (one test uses this filter at a time).</summary>
        public static DateTimeOffset? FirstThrownAt { get; set; }

        public Task Invoke(IIncomingGrainCallContext context)
        {
            for (var i = 0; i < context.Request.GetArgumentCount(); i++)
            {
                if (context.Request.GetArgument(i) is KafkaBatchContainer batch
                    && batch.GetEvents<DeviceInput>().Any(e => e.Item1.Envelope.Seq == CursedSeq && batch.StreamId.GetKeyAsString() == "cursed"))
                {
                    FirstThrownAt ??= DateTimeOffset.UtcNow;
                    throw new InvalidOperationException(Message);
                }
            }

            return context.Invoke();
        }
    }
}
