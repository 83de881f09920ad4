using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Segmenter.Contracts;
using Segmenter.Grains.Options;
using Segmenter.Serialization;
using Segmenter.Streaming.Kafka.Metrics;
using Segmenter.Streaming.Kafka.Producing;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Pipeline;

/// <summary>
/// What a producer that is not ours sent, measured in production: per partition one hostile record (timestamps in
/// microseconds, in nanoseconds, far before year 1, a Kafka timestamp in microseconds, a key that is not Avro or not a
/// Device, an unknown schema id, a truncated envelope, trailing bytes, a union index out of range, a value over 1 MB),
/// each followed by a normal session of another device. Through the embedded silo with real Kafka protocol, registry
/// and Redis: every hostile record is dead-lettered with its kind and a reason naming the problem, nothing else is,
/// and every session behind them comes out exactly once.
/// </summary>
[Collection(KafkaTestGroup.Name)]
public sealed class PipelinePoisonTests(EmbeddedKafkaFixture kafka, SchemaRegistryFixture registry, RedisFixture redis)
{
    private const int Partitions = 4;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private static readonly DateTimeOffset Time = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Every_hostile_record_is_dead_lettered_with_its_kind_and_the_sessions_behind_them_come_out_exactly_once()
    {
        await using var pipeline = await SegmenterTestPipeline.StartAsync(kafka, registry, redis, partitions: Partitions);
        var serdes = new ContractSerdes(registry.NewClient());
        IReadOnlyList<HostileRecord> hostile = [.. await HostileRecords.ForAsync(serdes, pipeline.EventsTopic, "hostile-"), await OversizedAsync(serdes, pipeline.EventsTopic)];

        // Each hostile record, then a session of another device, in one partition; the cases go round the partitions.
        var placed = new Dictionary<(int Partition, long Offset), HostileRecord>();
        var sessions = new Dictionary<string, List<SourcePosition>>(StringComparer.Ordinal);
        using (var producer = kafka.NewProducer(messageMaxBytes: 4_000_000))
        {
            for (var i = 0; i < hostile.Count; i++)
            {
                var device = await DeviceOnAsync(pipeline, $"after-{hostile[i].Name}", i % Partitions);
                var delivered = await producer.ProduceAsync(new TopicPartition(pipeline.EventsTopic, i % Partitions), hostile[i].Message());
                placed[(delivered.Partition.Value, delivered.Offset.Value)] = hostile[i];
                sessions[device] =
                [
                    await pipeline.ProduceAsync(device, new Envelope(DeviceWokeUp.Instance, Time, 1)),
                    await pipeline.ProduceAsync(device, new Envelope(new DataReceived("pressure", i), Time.AddMilliseconds(100), 2)),
                    await pipeline.ProduceAsync(device, new Envelope(AllDataReceived.Instance, Time.AddMilliseconds(200), 3)),
                ];
                Assert.All(sessions[device], p => Assert.True(p.Partition == i % Partitions && p.Offset > delivered.Offset.Value, $"{device} is not behind its hostile record"));
            }
        }

        await SegmenterTestPipeline.WaitUntilAsync(
            () => sessions.Keys.All(d => pipeline.Summaries.Any(s => s.DeviceId == d)) && sessions.Values.Sum(s => s.Count) <= pipeline.Events.Count,
            Patience, "a summary for every session behind a hostile record");
        await pipeline.WaitUntilInputCommittedAsync(Patience);

        var dead = pipeline.DeadLetters(Patience);
        Assert.Equal(Enumerable.Range(0, Partitions), placed.Keys.Select(k => k.Partition).Distinct().Order());
        Assert.Equal(placed.Keys.Order(), dead.Select(SourceOf).Order()); // every hostile record, and nothing else
        foreach (var letter in dead)
        {
            var expected = placed[SourceOf(letter)];
            Assert.Equal((pipeline.EventsTopic, expected.Kind), (Header(letter, DeadLetterPublisher.SourceTopicHeader), Header(letter, DeadLetterPublisher.KindHeader)));
            var reason = Header(letter, DeadLetterPublisher.ReasonHeader);
            Assert.All(expected.Reason, words => Assert.True(reason.Contains(words, StringComparison.Ordinal), $"{expected.Name}: the reason '{reason}' does not name '{words}'"));
            if (expected.Value!.Length > DeadLetterPublisher.KeptBytes * 100)
            {
                Assert.Equal(("true", expected.Value.Length.ToString(CultureInfo.InvariantCulture)), (Header(letter, DeadLetterPublisher.TruncatedHeader), Header(letter, DeadLetterPublisher.OriginalValueBytesHeader)));
                Assert.Equal(expected.Value[..DeadLetterPublisher.KeptBytes], letter.Message.Value);
            }
            else
            {
                Assert.Equal(expected.Key, letter.Message.Key);
                Assert.Equal(expected.Value, letter.Message.Value);
            }
        }

        // Exactly once: three events and one Completed summary per session, none from the hostile records.
        var events = pipeline.Events.ToList();
        foreach (var (device, positions) in sessions)
        {
            Assert.Equal(positions, events.Where(e => e.Key.Device.Id == device).Select(e => e.Source));
            var summary = Assert.Single(pipeline.Summaries, s => s.DeviceId == device);
            Assert.Equal((CloseReason.Completed, 3L), (summary.Reason, summary.EventCount));
        }

        Assert.Equal(sessions.Values.Sum(s => s.Count), events.Count);
        Assert.Equal(sessions.Count, pipeline.Summaries.Count);
        var metrics = pipeline.Cluster.Silos[0].ServiceProvider.GetRequiredService<KafkaStreamMetricsRegistry>().Get(SegmenterOptions.StreamProvider)!;
        Assert.Equal(hostile.Count, metrics.Snapshot().RecordsDeadLettered);
    }

    /// <summary>
    /// 1.2 MB that is not Avro: more than the silo's producer writes (librdkafka's message.max.bytes, 1,000,000), less
    /// than the mock broker takes; the dead letter is written truncated.
    /// </summary>
    private static async Task<HostileRecord> OversizedAsync(ContractSerdes serdes, string topic)
    {
        var key = await serdes.DeviceSerializer.SerializeAsync(new Device("hostile-value-over-1-MB"), new SerializationContext(MessageComponentType.Key, topic));
        var value = new byte[1_200_000];
        value.AsSpan().Fill(0xab);
        return new HostileRecord("value-over-1-MB", key, value, nameof(AvroDecodeError.NotAvro), ["The value is not Avro", "1200000 bytes"]);
    }

    /// <summary>A device id starting with <paramref name="prefix"/> whose records Kafka puts in <paramref name="partition"/>.</summary>
    private static async Task<string> DeviceOnAsync(SegmenterTestPipeline pipeline, string prefix, int partition)
    {
        for (var n = 0; ; n++)
        {
            var device = $"{prefix}-{n}";
            if (await pipeline.PartitionOfAsync(device) == partition)
                return device;
        }
    }

    private static (int, long) SourceOf(ConsumeResult<byte[], byte[]> letter) =>
        (int.Parse(Header(letter, DeadLetterPublisher.SourcePartitionHeader), CultureInfo.InvariantCulture),
         long.Parse(Header(letter, DeadLetterPublisher.SourceOffsetHeader), CultureInfo.InvariantCulture));

    private static string Header(ConsumeResult<byte[], byte[]> record, string name) =>
        Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(name));
}
