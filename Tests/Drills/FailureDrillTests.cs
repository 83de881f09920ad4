using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Segmenter.Contracts;
using Segmenter.Grains.Options;
using Segmenter.Tests.Oracle;
using Segmenter.Serialization;
using Segmenter.Streaming.Kafka.Producing;
using Segmenter.Streaming.Kafka.Metrics;
using Segmenter.Tests.Infrastructure;
using Segmenter.Tests.Pipeline;
using Xunit.Abstractions;

namespace Segmenter.Tests.Drills;

/// <summary>
/// Failure drills under load with the default 4 s timeout, each printing its figures (records in and out, duplicated,
/// recovery seconds) and failing unless the outputs are exactly the sessions an independent model of the rules
/// expects — nothing lost, nothing doubled, no session split by the outage: Redis stopped for 10 s, the Kafka broker
/// down for 10 s, 1% poison records, a burst far above the sustainable rate. (Killing a silo under load is
/// <c>ClusterProcessTests</c>, with real processes.)
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
        OutageUnderLoadAsync("kafka broker down 10 s", () => kafka.Cluster.SetBrokerDown(-1), () => kafka.Cluster.SetBrokerUp(-1),
            // The producer cannot reach the broker either: the devices' next events are not in the input during the
            // outage but in the producer's buffer, so a session may rightly time out (rule 4 counts from what the input
            // holds). A timeout longer than the drill keeps the expected sessions independent of that timing.
            timeout: TimeSpan.FromMinutes(10));

    [Fact]
    public async Task One_percent_poison_records_all_land_in_the_dead_letter_topic_and_the_rest_is_processed()
    {
        await using var pipeline = await StartAsync();
        var drill = new Drill(pipeline, output, "1% poison");
        var poisoned = await drill.ProduceAsync(devices: 50, events: 5_000, perSecond: 0, poisonEvery: 100);

        await drill.AssertNothingLostAsync(TimeSpan.Zero);
        await pipeline.WaitUntilInputCommittedAsync(Patience);
        var dead = pipeline.DeadLetters(Patience);
        output.WriteLine($"1% poison: {poisoned.Count} poison records, {dead.Count} in {pipeline.DeadLetterTopic}");

        // The whole topic: each poison record once, at the position it was produced to (key "poison" is not Avro), and nothing else.
        Assert.Equal(poisoned.Count, dead.Count);
        Assert.Equal(
            poisoned.Select(p => (p.Partition, p.Offset)).Order(),
            dead.Select(d => (int.Parse(Header(d, DeadLetterPublisher.SourcePartitionHeader), System.Globalization.CultureInfo.InvariantCulture),
                long.Parse(Header(d, DeadLetterPublisher.SourceOffsetHeader), System.Globalization.CultureInfo.InvariantCulture))).Order());
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
        // The burst outran the silo (a cache filled to its bound: reading paused), and the cache never held more than the
        // bound plus the one read that crossed it (MaxBatchSize, at most the cache size: see StartAsync).
        var oneRead = Math.Min(new Segmenter.Streaming.Kafka.KafkaStreamOptions().MaxBatchSize, cacheSize);
        Assert.True(maxPending >= cacheSize, $"no partition's cache reached its bound ({maxPending} of {cacheSize}): the burst did not test it");
        Assert.True(maxPending <= cacheSize + oneRead, $"{maxPending} events waited in one partition's cache, bound {cacheSize} + one read of {oneRead}");
        Assert.All(metrics.Partitions, p => Assert.Equal(0, p.Lag));
    }

    private static string Header(Confluent.Kafka.ConsumeResult<byte[], byte[]> record, string name) =>
        System.Text.Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(name));

    /// <summary>400 events/s for 10 s; after 3 s, <paramref name="stop"/> for <see cref="Outage"/>, then <paramref name="resume"/>.</summary>
    private async Task OutageUnderLoadAsync(string name, Action stop, Action resume, TimeSpan? timeout = null)
    {
        await using var pipeline = await StartAsync(timeout: timeout);
        var drill = new Drill(pipeline, output, name, timeout ?? TimeSpan.FromSeconds(4));
        var load = drill.ProduceAsync(devices: 40, events: 4_000, perSecond: 400);
        // Witness: outputs flow before the outage, so that it hits a running pipeline. Then a deliberate pause: the
        // outage begins about 3 s into the 10 s of paced load (not a wait for a condition, a place in the load).
        var loading = Stopwatch.StartNew();
        await SegmenterTestPipeline.WaitUntilAsync(() => !pipeline.Events.IsEmpty, Patience, "the first outputs of the load");
        if (loading.Elapsed < TimeSpan.FromSeconds(3))
            await Task.Delay(TimeSpan.FromSeconds(3) - loading.Elapsed);

        stop();
        var stopped = Stopwatch.StartNew();
        await Task.Delay(Outage); // deliberate: the outage lasts this long
        resume();
        await load;

        await drill.AssertNothingLostAsync(stopped.Elapsed);
    }

    /// <summary>The default rules (4 s timeout) unless told: an outage must not split a session whose next event waits behind it.</summary>
    private Task<SegmenterTestPipeline> StartAsync(int? cacheSize = null, TimeSpan? timeout = null) =>
        SegmenterTestPipeline.StartAsync(kafka, registry, redis, partitions: 4,
            rules: o => { o.InactivityTimeout = timeout ?? o.InactivityTimeout; o.PurgeAfter = TimeSpan.FromHours(1); },
            kafkaOptions: o => { o.CacheSize = cacheSize ?? o.CacheSize; o.MaxBatchSize = Math.Min(o.MaxBatchSize, o.CacheSize); });

    /// <summary>
    /// A workload whose every output is known in advance (an independent model of the rules computes it from the
    /// records as the broker stored them), and the checks of one drill.
    /// </summary>
    private sealed class Drill(SegmenterTestPipeline pipeline, ITestOutputHelper output, string name, TimeSpan? timeout = null)
    {
        private readonly SessionOracle _oracle = new(timeout ?? TimeSpan.FromSeconds(4));
        private readonly HashSet<string> _devices = new(StringComparer.Ordinal);
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private IReadOnlyList<ExpectedSession> _expected = [];
        private int _produced;

        public bool Finished { get; private set; }

        /// <summary>
        /// Produces sessions of wake-up, data and all-data; every n-th record is poison. Returns where the poison went. Up to
        /// <see cref="InFlight"/> records are in flight at once (awaiting each would pace the load by the producer's
        /// linger), started in order. The oracle then takes them in partition and offset order, the order the silo
        /// reads them in, so the expected output holds whatever order the broker stored them in.
        /// </summary>
        public async Task<IReadOnlyList<SourcePosition>> ProduceAsync(int devices, int events, int perSecond, int poisonEvery = 0)
        {
            var random = new Random(17);
            var steps = new int[devices];
            var seqs = new long[devices];
            var time = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
            var poison = new List<SourcePosition>();
            var produced = new List<(string Device, Envelope Envelope, Task<SourcePosition> Delivery)>();
            var started = Stopwatch.StartNew();
            for (var i = 0; i < events; i++)
            {
                if (perSecond > 0 && i * 1000L / perSecond > started.ElapsedMilliseconds)
                    await Task.Delay((int)(i * 1000L / perSecond - started.ElapsedMilliseconds)); // deliberate: paces the load
                if (poisonEvery > 0 && i % poisonEvery == poisonEvery - 1)
                {
                    poison.Add(await pipeline.ProduceRawAsync("poison"u8.ToArray(), [0xde, 0xad, 0xbe, 0xef]));
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

            var positions = await Task.WhenAll(produced.Select(p => p.Delivery));
            foreach (var i in Enumerable.Range(0, produced.Count).OrderBy(i => positions[i].Partition).ThenBy(i => positions[i].Offset))
            {
                _oracle.Add(produced[i].Device, produced[i].Envelope, positions[i]);
                _devices.Add(produced[i].Device);
            }

            _produced += produced.Count;
            // With a timeout longer than the drill, the sessions open at the end are still open when it checks.
            _expected = _oracle.Sessions(closeOpen: (timeout ?? TimeSpan.FromSeconds(4)) < TimeSpan.FromMinutes(1));
            return poison;
        }

        private const int InFlight = 1_000;

        public async Task AssertNothingLostAsync(TimeSpan sinceFailure)
        {
            var recovering = Stopwatch.StartNew();
            await SegmenterTestPipeline.WaitUntilAsync(() => OracleComparison.Complete(_expected, pipeline.Events, pipeline.Summaries),
                Patience, $"every output of the '{name}' drill");
            var caughtUp = recovering.Elapsed;
            // Nothing more may come (no duplicate, no extra or split session): every input record committed and the outputs
            // read to their ends, and, when sessions time out within the drill, every scheduler past the last timeouts.
            if ((timeout ?? TimeSpan.FromSeconds(4)) < TimeSpan.FromMinutes(1))
                await pipeline.WitnessSchedulerPassAsync(Patience);
            else
                await pipeline.WaitUntilSettledAsync(Patience);
            Finished = true;

            var outputs = pipeline.Events.Where(e => _devices.Contains(e.Key.Device.Id)).ToList();
            var distinct = outputs.Select(e => (e.Key, e.Source)).ToHashSet();
            var expectedEvents = _expected.Sum(s => s.Records.Count);
            output.WriteLine($"{name}: produced {_produced} records; in {expectedEvents} events / {_expected.Count} sessions; out {outputs.Count} events " +
                $"({outputs.Count - distinct.Count} duplicates before dedupe) / {pipeline.Summaries.Count(s => _devices.Contains(s.DeviceId))} summaries; " +
                $"caught up {(sinceFailure + caughtUp).TotalSeconds:0.0} s after the failure began; run took {_clock.Elapsed.TotalSeconds:0.0} s");
            // Nothing lost, nothing doubled after dedupe, and no session split by the outage: the oracle's sessions exactly.
            OracleComparison.AssertSame(_expected, OracleComparison.Observed(pipeline.Events, pipeline.Summaries, _devices));
        }
    }
}
