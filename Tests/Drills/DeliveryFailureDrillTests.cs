using System.Text;
using Orleans.Serialization.Invocation;
using Segmenter.Contracts;
using Segmenter.Streaming.Kafka;
using Segmenter.Tests.Infrastructure;
using Segmenter.Tests.Pipeline;
using Xunit.Abstractions;

namespace Segmenter.Tests.Drills;

/// <summary>
/// No record stops a partition: a record whose delivery fails every time (here: the device's grain throws for it) goes
/// to the dead-letter topic after a bounded number of attempts, the partition and the device go on, and nothing else is
/// lost. An outage (Redis unreachable) is not such a failure: it stalls and resumes (see FailureDrillTests).
/// </summary>
[Collection(KafkaTestGroup.Name)]
public sealed class DeliveryFailureDrillTests(EmbeddedKafkaFixture kafka, SchemaRegistryFixture registry, RedisFixture redis, ITestOutputHelper output)
{
    private const long CursedSeq = 3;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_record_whose_delivery_always_fails_is_dead_lettered_after_the_bounded_retries_and_everything_else_flows()
    {
        await using var pipeline = await SegmenterTestPipeline.StartAsync(kafka, registry, redis, partitions: 1,
            kafkaOptions: o => o.DeliveryAttempts = 3,
            silo: silo => silo.AddIncomingGrainCallFilter<CursedRecordFilter>());
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
        var dead = kafka.ReadToEnd(pipeline.DeadLetterTopic, 1, Patience);

        // Then the device goes on: its next record is accepted (the retries took longer than the timeout, so the first
        // session timed out meanwhile and the closing record completes a session of its own).
        var next = await pipeline.ProduceAsync("cursed", new Envelope(AllDataReceived.Instance, t0.AddMilliseconds(400), CursedSeq + 1));
        await SegmenterTestPipeline.WaitUntilAsync(() => pipeline.Summaries.Any(s => s.DeviceId == "cursed" && s.Reason == CloseReason.Completed), Patience, "the cursed device's next session");

        output.WriteLine($"dead letters: {string.Join("; ", dead.Select(d => $"{Header(d, "dlq.kind")} @{Header(d, "dlq.source.offset")}: {Header(d, "dlq.reason")}"))}");
        var letter = Assert.Single(dead);
        Assert.Equal("DeliveryFailed", Header(letter, "dlq.kind"));
        Assert.Equal(cursed.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(letter, "dlq.source.offset"));
        Assert.Contains("failed 3 times", Header(letter, "dlq.reason"), StringComparison.Ordinal);
        Assert.Contains(CursedRecordFilter.Message, Header(letter, "dlq.reason"), StringComparison.Ordinal);
        Assert.DoesNotContain(pipeline.Events, e => e.Source == cursed);
        Assert.True(others.All(p => pipeline.Events.Any(e => e.Source == p)), "a bystander's record is missing");
        Assert.Contains(pipeline.Events, e => e.Source == next);
        Assert.Equal(3, pipeline.Events.Count(e => e.Key.Device.Id == "cursed"));
    }

    private static string Header(Confluent.Kafka.ConsumeResult<byte[], byte[]> record, string name) =>
        Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(name));

    /// <summary>A grain that cannot take one particular record: it throws whenever a delivery holds it.</summary>
    private sealed class CursedRecordFilter : IIncomingGrainCallFilter
    {
        public const string Message = "this record is cursed";

        public Task Invoke(IIncomingGrainCallContext context)
        {
            for (var i = 0; i < context.Request.GetArgumentCount(); i++)
            {
                if (context.Request.GetArgument(i) is KafkaBatchContainer batch
                    && batch.GetEvents<DeviceInput>().Any(e => e.Item1.Envelope.Seq == CursedSeq && batch.StreamId.GetKeyAsString() == "cursed"))
                    throw new InvalidOperationException(Message);
            }

            return context.Invoke();
        }
    }
}
