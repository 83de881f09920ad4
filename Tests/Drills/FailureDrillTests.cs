using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Segmenter.Contracts;
using Segmenter.Grains.Hosting;
using Segmenter.Grains.Segmentation;
using Segmenter.Serialization;
using Segmenter.Streaming.Kafka.Producing;
using Segmenter.Streaming.Kafka.Metrics;
using Segmenter.Tests.Infrastructure;
using Segmenter.Tests.Pipeline;
using Xunit.Abstractions;

namespace Segmenter.Tests.Drills;

/// <summary>
/// Failure drills under load, each printing its figures (records in and out, lost, duplicated, recovery seconds) and
/// failing on any loss: Redis stopped for 10 s, the Kafka broker down for 10 s, 1% poison records, a burst far above
/// the sustainable rate. (Killing a silo under load is <c>ClusterProcessTests</c>, with real processes.)
/// </summary>
[Collection(KafkaTestGroup.Name)]
public sealed class FailureDrillTests(EmbeddedKafkaFixture kafka, SchemaRegistryFixture registry, RedisFixture redis, ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public Task Redis_stopped_for_10_seconds_under_load_loses_nothing_and_the_pipeline_catches_up() =>
        OutageUnderLoadAsync("redis stopped 10 s", redis.Server.Pause, redis.Server.Resume);

    [Fact]
    public Task The_Kafka_broker_down_for_10_seconds_under_load_loses_nothing_and_the_pipeline_catches_up() =>
        OutageUnderLoadAsync("kafka broker down 10 s", () => kafka.Cluster.SetBrokerDown(-1), () => kafka.Cluster.SetBrokerUp(-1));

    [Fact]
    public async Task One_percent_poison_records_all_land_in_the_dead_letter_topic_and_the_rest_is_processed()
    {
        await using var pipeline = await StartAsync();
        var drill = new Drill(pipeline, output, "1% poison");
        var poisoned = await drill.ProduceAsync(devices: 50, events: 5_000, perSecond: 0, poisonEvery: 100);

        await drill.AssertNothingLostAsync(TimeSpan.Zero);
        await pipeline.WaitUntilInputCommittedAsync(Patience);
        var dead = pipeline.DeadLetters(Patience);
        output.WriteLine($"1% poison: {poisoned} poison records, {dead.Count} in {pipeline.DeadLetterTopic}");

        // The whole topic: each poison record once (key "poison" is not Avro), and nothing else.
        Assert.Equal(poisoned, dead.Count);
        Assert.Equal(poisoned, dead.Select(d => (Header(d, DeadLetterPublisher.SourcePartitionHeader), Header(d, DeadLetterPublisher.SourceOffsetHeader))).Distinct().Count());
        Assert.All(dead, d =>
        {
            Assert.Equal(nameof(AvroDecodeError.NotAvro), Header(d, DeadLetterPublisher.KindHeader));
            Assert.StartsWith("The key is not Avro with schema-registry framing (6 bytes, first byte 0x70", Header(d, DeadLetterPublisher.ReasonHeader), StringComparison.Ordinal);
            Assert.Equal([0xde, 0xad, 0xbe, 0xef], d.Message.Value);
        });
    }

    [Fact]
    public async Task A_burst_far_above_the_sustainable_rate_keeps_memory_bounded_and_the_lag_drains()
    {
        const int cacheSize = 2_000;
        await using var pipeline = await StartAsync(cacheSize);
        var drill = new Drill(pipeline, output, "burst");
        var metrics = pipeline.Cluster.Silos[0].ServiceProvider.GetRequiredService<KafkaStreamMetricsRegistry>().Get(SegmenterOptions.StreamProvider)!;
        var maxPending = 0;
        var sampling = Task.Run(async () =>
        {
            while (!drill.Finished)
            {
                maxPending = Math.Max(maxPending, metrics.Partitions.Max(p => (int?)p.PendingEvents) ?? 0);
                await Task.Delay(20);
            }
        });

        await drill.ProduceAsync(devices: 2_000, events: 30_000, perSecond: 0); // as fast as the producer goes
        await drill.AssertNothingLostAsync(TimeSpan.Zero);
        await sampling;

        output.WriteLine($"burst: at most {maxPending} events waiting in one partition's cache (bound {cacheSize} + one read)");
        Assert.InRange(maxPending, 0, cacheSize + 2_000);
        Assert.All(metrics.Partitions, p => Assert.Equal(0, p.Lag));
    }

    private static string Header(Confluent.Kafka.ConsumeResult<byte[], byte[]> record, string name) =>
        System.Text.Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(name));

    /// <summary>400 events/s for 10 s; after 3 s, <paramref name="stop"/> for <see cref="Outage"/>, then <paramref name="resume"/>.</summary>
    private async Task OutageUnderLoadAsync(string name, Action stop, Action resume)
    {
        await using var pipeline = await StartAsync();
        var drill = new Drill(pipeline, output, name);
        var load = drill.ProduceAsync(devices: 40, events: 4_000, perSecond: 400);
        await Task.Delay(3_000);

        stop();
        var stopped = Stopwatch.StartNew();
        await Task.Delay(Outage);
        resume();
        await load;

        await drill.AssertNothingLostAsync(stopped.Elapsed);
    }

    private Task<SegmenterTestPipeline> StartAsync(int? cacheSize = null) =>
        SegmenterTestPipeline.StartAsync(kafka, registry, redis, partitions: 4,
            rules: o => { o.InactivityTimeout = TimeSpan.FromMinutes(10); o.PurgeAfter = TimeSpan.FromHours(1); },
            kafkaOptions: o => { o.CacheSize = cacheSize ?? o.CacheSize; o.MaxBatchSize = Math.Min(o.MaxBatchSize, o.CacheSize); });

    /// <summary>A workload whose every output is known in advance (the engine computes it), and the checks of one drill.</summary>
    private sealed class Drill(SegmenterTestPipeline pipeline, ITestOutputHelper output, string name)
    {
        private readonly SessionSegmenter _engine = new(new SegmentationOptions { InactivityTimeout = TimeSpan.FromMinutes(10), PurgeAfter = TimeSpan.FromHours(1) });
        private readonly SegmentationOutput _expected = new();
        private readonly Dictionary<string, DeviceState> _states = new(StringComparer.Ordinal);
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Dictionary<ApplyOutcome, int> _outcomes = Enum.GetValues<ApplyOutcome>().ToDictionary(o => o, _ => 0);

        public bool Finished { get; private set; }

        /// <summary>
        /// Produces sessions of wake-up, data and all-data; every n-th record is poison. Returns the poison count. Up to
        /// <see cref="InFlight"/> records are in flight at once (awaiting each would pace the load by the producer's
        /// linger), started in order. The engine then applies them in partition and offset order, the order the silo
        /// reads them in, so the expected output holds whatever order the broker stored them in.
        /// </summary>
        public async Task<int> ProduceAsync(int devices, int events, int perSecond, int poisonEvery = 0)
        {
            var random = new Random(17);
            var steps = new int[devices];
            var seqs = new long[devices];
            var time = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
            var poison = 0;
            var produced = new List<(string Device, Envelope Envelope, Task<SourcePosition> Delivery)>();
            var started = Stopwatch.StartNew();
            for (var i = 0; i < events; i++)
            {
                if (perSecond > 0 && i * 1000L / perSecond > started.ElapsedMilliseconds)
                    await Task.Delay((int)(i * 1000L / perSecond - started.ElapsedMilliseconds));
                if (poisonEvery > 0 && i % poisonEvery == poisonEvery - 1)
                {
                    await pipeline.ProduceRawAsync("poison"u8.ToArray(), [0xde, 0xad, 0xbe, 0xef]);
                    poison++;
                    continue;
                }

                var d = random.Next(devices);
                time = time.AddMilliseconds(10);
                DeviceEvent evt = steps[d] switch { 0 => DeviceWokeUp.Instance, >= 4 => AllDataReceived.Instance, _ => new DataReceived("pressure", i) };
                steps[d] = evt is AllDataReceived ? 0 : steps[d] + 1;
                var envelope = new Envelope(evt, time, ++seqs[d]);
                produced.Add(($"drill-{d}", envelope, await pipeline.StartProduceAsync($"drill-{d}", envelope)));
                if (produced.Count >= InFlight)
                    await produced[^InFlight].Delivery;
            }

            await Task.WhenAll(produced.Select(p => p.Delivery));
            foreach (var (device, envelope, delivery) in produced.OrderBy(p => p.Delivery.Result.Partition).ThenBy(p => p.Delivery.Result.Offset))
            {
                if (!_states.TryGetValue(device, out var state))
                    _states[device] = state = new DeviceState { DeviceId = device };
                _outcomes[_engine.Apply(state, new IncomingEvent(envelope, delivery.Result, DateTimeOffset.UtcNow), _expected)]++;
            }

            return poison;
        }

        private const int InFlight = 1_000;

        public async Task AssertNothingLostAsync(TimeSpan sinceFailure)
        {
            var expectedEvents = _expected.Events.Select(e => (e.Key, e.Source)).ToHashSet();
            var expectedSessions = _expected.Summaries.Select(s => s.Key).ToHashSet();
            var recovering = Stopwatch.StartNew();
            await SegmenterTestPipeline.WaitUntilAsync(
                () => expectedEvents.IsSubsetOf(pipeline.Events.Select(e => (e.Key, e.Source))) && expectedSessions.IsSubsetOf(pipeline.Summaries.Select(s => s.Key)),
                Patience, $"every output of the '{name}' drill");
            await Task.Delay(1_000);
            Finished = true;

            var outputs = pipeline.Events.ToList();
            var distinct = outputs.Select(e => (e.Key, e.Source)).ToHashSet();
            var lost = expectedEvents.Count(e => !distinct.Contains(e));
            var duplicated = outputs.Count - distinct.Count;
            output.WriteLine($"{name}: produced {_outcomes.Values.Sum()} records, the rules drop {_outcomes[ApplyOutcome.DuplicateDropped]} as retries " +
                $"(stored after a later record of the same device) and {_outcomes[ApplyOutcome.RedeliveryDropped]} as redeliveries");
            output.WriteLine($"{name}: in {expectedEvents.Count} events / {expectedSessions.Count} sessions; out {outputs.Count} events " +
                $"({duplicated} duplicates before dedupe) / {pipeline.Summaries.Count} summaries; lost {lost}; " +
                $"caught up {(sinceFailure + recovering.Elapsed).TotalSeconds:0.0} s after the failure began; run took {_clock.Elapsed.TotalSeconds:0.0} s");
            Assert.Equal(0, lost);
            Assert.Equal(expectedEvents.Count, distinct.Count);
            Assert.All(pipeline.Summaries.GroupBy(s => s.Key), copies => Assert.Single(copies.Distinct()));
            Assert.Equal(expectedSessions.Count, pipeline.Summaries.Select(s => s.Key).Distinct().Count());
        }
    }
}
