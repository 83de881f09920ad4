using Microsoft.Extensions.DependencyInjection;
using Segmenter.Contracts;
using Segmenter.Partitions;
using Segmenter.Grains.Scheduling;
using Segmenter.Tests.Oracle;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Pipeline;

/// <summary>Crashes and downtime: nothing lost, nothing doubled after dedupe, and the state a run without the crash would have.</summary>
[Collection(KafkaTestGroup.Name)]
public sealed class PipelineRecoveryTests(EmbeddedKafkaFixture kafka, SchemaRegistryFixture registry, RedisFixture redis)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_silo_killed_mid_stream_loses_nothing_doubles_nothing_and_splits_no_session(bool withSeq)
    {
        // The default 4 s timeout: the killed silo's partitions stay unread for longer than that, and their devices'
        // sessions must not time out meanwhile (rule 4). The silo to be killed never commits (see SilosThatNeverCommit),
        // so the kill hits work in flight: everything it delivered is read again by the new owner.
        await using var pipeline = await SegmenterTestPipeline.StartAsync(kafka, registry, redis, silos: 2, partitions: 4,
            neverCommit: "Silo_1");
        var workload = Workload(devices: 24, eventsPerDevice: 40, seed: 11, withSeq);
        var oracle = new SessionOracle(TimeSpan.FromSeconds(4));
        var victim = pipeline.Cluster.Silos.Single(s => s.Name == "Silo_1");
        IReadOnlyCollection<int> Owned(Orleans.TestingHost.InProcessSiloHandle silo) =>
            silo.ServiceProvider.GetRequiredService<SchedulerFeed>().Partitions.Select(p => p.Partition).ToList();
        // The second silo takes its share only after the first has handed it over: kill it once it reads partitions.
        await SegmenterTestPipeline.WaitUntilAsync(() => Owned(victim).Count > 0 && pipeline.Cluster.Silos.Sum(s => Owned(s).Count) == 4,
            Patience, "both silos reading their partitions");

        async Task ProduceAsync(IEnumerable<(string Device, Envelope Envelope)> part)
        {
            foreach (var (device, envelope) in part)
                oracle.Add(device, envelope, await pipeline.ProduceAsync(device, envelope));
        }

        await ProduceAsync(workload.Take(workload.Count / 2));
        await SegmenterTestPipeline.WaitUntilAsync(() => pipeline.Events.Count >= workload.Count / 4, Patience, "a quarter of the events");
        var owned = Owned(victim);
        Assert.NotEmpty(owned);
        await pipeline.Cluster.KillSiloAsync(victim);
        await ProduceAsync(workload.Skip(workload.Count / 2));

        var expected = oracle.Sessions();
        await SegmenterTestPipeline.WaitUntilAsync(() => OracleComparison.Complete(expected, pipeline.Events, pipeline.Summaries), Patience, "every expected session after the crash");
        // Nothing more may come: the survivor committed every input record, every scheduler is past the last timeouts and
        // the outputs are read to their ends.
        await pipeline.WitnessSchedulerPassAsync(Patience);

        OracleComparison.AssertSame(expected, OracleComparison.Observed(pipeline.Events, pipeline.Summaries, workload.Select(w => w.Device).ToHashSet()));
        var snapshots = await Task.WhenAll(workload.Select(w => w.Device).Distinct().Select(d => pipeline.Device(d).GetSnapshot()));
        var redelivered = snapshots.Sum(s => s?.RedeliveriesDropped ?? 0);
        var devicesOfVictim = snapshots.Count(s => s?.LastPosition is { } p && owned.Contains(p.Partition));
        Assert.True(redelivered > 0, $"the kill hit no work in flight: nothing was redelivered (partitions {string.Join(",", owned)} of the killed silo)");
        Assert.True(devicesOfVictim > 0, "no device of the killed silo's partitions");
        Assert.All(snapshots, s => Assert.Null(s!.OpenSession));
    }

    [Fact]
    public async Task A_backlog_after_downtime_does_not_time_out_the_session_whose_next_event_waits_unread()
    {
        await using var pipeline = await SegmenterTestPipeline.StartAsync(kafka, registry, redis, partitions: 1,
            rules: o => o.InactivityTimeout = TimeSpan.FromSeconds(2));
        var t0 = DateTimeOffset.UtcNow;
        await pipeline.ProduceAsync("backlogged", new Envelope(DeviceWokeUp.Instance, t0, 1));
        await SegmenterTestPipeline.WaitUntilAsync(() => pipeline.Events.Count == 1, Patience, "the wake-up");
        await pipeline.StopClusterAsync();

        // While nothing reads, the device's next event arrives within the timeout (event time); then time passes.
        await pipeline.ProduceAsync("backlogged", new Envelope(new DataReceived("pressure", 1), t0.AddSeconds(1), 2));
        // A deliberate sleep, not a wait for a condition: processing time must pass well beyond the 2 s timeout while
        // nothing reads, so that the session's arrival deadline is long overdue when the silo comes back.
        await Task.Delay(TimeSpan.FromSeconds(5));
        await pipeline.StartClusterAsync(1);
        await SegmenterTestPipeline.WaitUntilAsync(() => pipeline.Events.Count >= 2, Patience, "the backlogged event");
        await pipeline.ProduceAsync("backlogged", new Envelope(AllDataReceived.Instance, t0.AddSeconds(1.5), 3));
        await SegmenterTestPipeline.WaitUntilAsync(() => !pipeline.Summaries.IsEmpty, Patience, "the session's end");
        // No second summary, no second session: witnessed by the partition's scheduler closing a later session.
        await pipeline.WitnessSchedulerPassAsync(Patience);

        var summary = Assert.Single(pipeline.Summaries, s => s.DeviceId == "backlogged");
        Assert.Equal((CloseReason.Completed, 3L, false), (summary.Reason, summary.EventCount, summary.StartedWithoutWakeUp));
        Assert.Single(pipeline.Events.Where(e => e.Key.Device.Id == "backlogged").Select(e => e.Key).Distinct());
    }

    [Fact]
    public async Task During_a_long_backlog_a_session_times_out_once_the_stream_time_passes_its_deadline()
    {
        // At most 10 events in flight, each waiting for Redis and the output producer's linger: the backlog below takes
        // several seconds to drain on any machine, while the partition clocks report every 100 ms.
        await using var pipeline = await SegmenterTestPipeline.StartAsync(kafka, registry, redis, partitions: 1,
            rules: o => o.InactivityTimeout = TimeSpan.FromMilliseconds(500),
            grain: o => o.SchedulerInterval = TimeSpan.FromMilliseconds(100),
            kafkaOptions: o => (o.CacheSize, o.MaxBatchSize) = (10, 10));
        await pipeline.StopClusterAsync();
        var t0 = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()); // Avro keeps milliseconds
        await pipeline.ProduceAsync("sleeper", new Envelope(DeviceWokeUp.Instance, t0, 1));
        const int filler = 8_000; // 200 devices, one event each 5 ms of event time: 40 s of stream time
        await Task.WhenAll(Enumerable.Range(0, filler).Select(i =>
            pipeline.ProduceAsync($"filler-{i % 200}", new Envelope(new DataReceived("pressure", i), t0.AddMilliseconds(5 * (i + 1)), i / 200 + 1))));

        await pipeline.StartClusterAsync(1);
        await SegmenterTestPipeline.WaitUntilAsync(() => pipeline.Summaries.Any(s => s.DeviceId == "sleeper"), Patience, "the sleeper's timeout");
        var outputWhenTimedOut = pipeline.Events.Count;
        await SegmenterTestPipeline.WaitUntilAsync(() => pipeline.Events.Count >= filler + 1, Patience, "the backlog");

        var summary = Assert.Single(pipeline.Summaries, s => s.DeviceId == "sleeper");
        Assert.Equal((CloseReason.TimedOut, 1L, t0), (summary.Reason, summary.EventCount, summary.Ended));
        Assert.True(outputWhenTimedOut < filler, $"the sleeper timed out only after the backlog ({outputWhenTimedOut} of {filler + 1} events out)");
        var status = await pipeline.Cluster.Client.GetGrain<IPartitionSchedulerGrain>($"{pipeline.EventsTopic}/0").GetStatus();
        Assert.True(status.Closed > 0, "the timeout did not come from the partition's scheduler");
    }

    /// <summary>
    /// Random sessions with retries (same seq again; without seq, the same record content again), late events and lost
    /// wake-ups, in event-time order per device; consecutive events of a device are within 3 s of each other.
    /// </summary>
    private static List<(string Device, Envelope Envelope)> Workload(int devices, int eventsPerDevice, int seed, bool withSeq = true)
    {
        var random = new Random(seed);
        var clock = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
        var perDevice = Enumerable.Range(0, devices).Select(d => (Device: $"crash-{d}", Seq: 0L, Time: clock, Last: (Envelope?)null)).ToArray();
        var workload = new List<(string, Envelope)>();
        for (var i = 0; i < devices * eventsPerDevice; i++)
        {
            var d = random.Next(devices);
            var (device, seq, time, last) = perDevice[d];
            time += TimeSpan.FromMilliseconds(random.Next(100, 3_000));
            Envelope envelope;
            if (last is not null && random.Next(10) == 0)
            {
                envelope = last; // a retry
            }
            else
            {
                DeviceEvent evt = random.Next(10) switch
                {
                    < 2 => DeviceWokeUp.Instance,
                    < 9 => new DataReceived(random.Next(2) == 0 ? "pressure" : "wind", Math.Round(random.NextDouble() * 10, 3)),
                    _ => AllDataReceived.Instance,
                };
                envelope = new Envelope(evt, random.Next(12) == 0 ? time.AddSeconds(-2) : time, withSeq ? ++seq : null);
            }

            perDevice[d] = (device, seq, time, envelope);
            workload.Add((device, envelope));
        }

        return workload;
    }
}
