using System.Diagnostics;
using Segmenter.Contracts;
using Segmenter.Grains.Segmentation;
using Segmenter.Tests.Infrastructure;
using Segmenter.Tests.Pipeline;
using Xunit.Abstractions;

namespace Segmenter.Tests.Silo;

/// <summary>
/// Three silo processes in the cluster profile (Redis clustering, shared Kafka, registry and Redis); one is killed
/// with SIGKILL mid-stream. Every session still arrives, none twice after dedupe, within a bounded time.
/// </summary>
[Collection(KafkaTestGroup.Name)]
public sealed class ClusterProcessTests(EmbeddedKafkaFixture kafka, SchemaRegistryFixture registry, RedisFixture redis, ITestOutputHelper output)
{
    private static readonly string SiloDll = RepositoryPaths.Program("Silo", "Segmenter.Silo");

    [Fact]
    public async Task Killing_one_of_three_silos_mid_stream_loses_no_session_and_doubles_none()
    {
        var run = $"c{Guid.NewGuid():N}"[..12];
        const int partitions = 6;
        foreach (var topic in new[] { "events", "session-events", "sessions" })
            kafka.Cluster.CreateTopic($"{run}-{topic}", partitions);
        kafka.Cluster.CreateTopic($"{run}-dlq", 1);
        await using var outputs = OutputTopicsReader.Start(kafka, registry, $"{run}-session-events", $"{run}-sessions", partitions);
        var silos = new List<ChildProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
                silos.Add(StartSilo(run));
            await Task.WhenAll(silos.Select((s, i) => WaitForHealthyAsync(s, i)));

            using var producer = new AvroEventProducer(kafka, registry, $"{run}-events");
            var engine = new SessionSegmenter(new SegmentationOptions { InactivityTimeout = TimeSpan.FromMinutes(10), PurgeAfter = TimeSpan.FromHours(1) });
            var expected = new SegmentationOutput();
            var states = new Dictionary<string, DeviceState>(StringComparer.Ordinal);
            var workload = CompletedSessions(devices: 30, sessionsPerDevice: 4);

            async Task Produce(IEnumerable<(string Device, Envelope Envelope)> part)
            {
                foreach (var (device, envelope) in part)
                {
                    var position = await producer.ProduceAsync(device, envelope);
                    if (!states.TryGetValue(device, out var state))
                        states[device] = state = new DeviceState { DeviceId = device };
                    engine.Apply(state, new IncomingEvent(envelope, position, DateTimeOffset.UtcNow), expected);
                }
            }

            await Produce(workload.Take(workload.Count / 2));
            await SegmenterTestPipeline.WaitUntilAsync(() => outputs.Events.Count >= workload.Count / 4, TimeSpan.FromSeconds(60), "a quarter of the events");
            silos[1].KillHard();
            var killed = Stopwatch.StartNew();
            await Produce(workload.Skip(workload.Count / 2));

            var expectedEvents = expected.Events.Select(e => (e.Key, e.Source)).ToHashSet();
            var expectedSessions = expected.Summaries.Select(s => s.Key).ToHashSet();
            await SegmenterTestPipeline.WaitUntilAsync(
                () => expectedEvents.IsSubsetOf(outputs.Events.Select(e => (e.Key, e.Source))) && expectedSessions.IsSubsetOf(outputs.Summaries.Select(s => s.Key)),
                TimeSpan.FromSeconds(120), "every session after the kill");
            var recovered = killed.Elapsed;
            await Task.Delay(1_000);

            var distinct = outputs.Events.Select(e => (e.Key, e.Source)).ToHashSet();
            output.WriteLine($"kill -9 of 1 of 3 silos: in {expectedEvents.Count} events / {expectedSessions.Count} sessions; out {outputs.Events.Count} events " +
                $"({outputs.Events.Count - distinct.Count} duplicates before dedupe) / {outputs.Summaries.Count} summaries; " +
                $"lost {expectedEvents.Count(e => !distinct.Contains(e))}; every output {recovered.TotalSeconds:0.0} s after the kill");
            Assert.Equal(expectedEvents.Count, outputs.Events.DistinctBy(e => (e.Key, e.Source)).Count());
            Assert.All(outputs.Summaries.GroupBy(s => s.Key), copies => Assert.Single(copies.Distinct()));
            Assert.Equal(expected.Summaries.OrderBy(s => s.SessionId, StringComparer.Ordinal), outputs.Summaries.DistinctBy(s => s.Key).OrderBy(s => s.SessionId, StringComparer.Ordinal));
            Assert.True(recovered < TimeSpan.FromSeconds(120), $"recovery took {recovered}");
        }
        finally
        {
            foreach (var silo in silos)
            {
                if (!silo.HasExited)
                    await silo.StopAsync(TimeSpan.FromSeconds(60));
                await silo.DisposeAsync();
            }
        }
    }

    private ChildProcess StartSilo(string run)
    {
        var ports = FreePorts.Take(3);
        return ChildProcess.Start(SiloDll,
        [
            "--Segmenter:Profile=cluster", $"--Redis:ConnectionString={redis.ConnectionString}",
            $"--Kafka:BootstrapServers={kafka.BootstrapServers}", $"--Kafka:ConsumerGroupId={run}", "--Kafka:CommitInterval=00:00:00.200",
            $"--SchemaRegistry:Url={registry.Url}",
            $"--Orleans:ClusterId={run}", $"--Orleans:ServiceId={run}", $"--Orleans:SiloPort={ports[0]}", $"--Orleans:GatewayPort={ports[1]}",
            "--Orleans:AdvertisedAddress=127.0.0.1", "--Orleans:Membership:ProbeTimeout=00:00:01", "--Orleans:Membership:NumMissedProbesLimit=2",
            $"--urls=http://127.0.0.1:{ports[2]}", "--Segmenter:StatusInterval=00:00:00",
            $"--Segmentation:EventsTopic={run}-events", $"--Segmentation:SessionEventsTopic={run}-session-events",
            $"--Segmentation:SessionsTopic={run}-sessions", $"--Segmentation:DeadLetterTopic={run}-dlq",
            "--Segmentation:InactivityTimeout=00:10:00", "--Segmentation:PurgeAfter=01:00:00",
        ]);
    }

    private static async Task WaitForHealthyAsync(ChildProcess silo, int index)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(silo.HasExited, $"silo {index} exited: {silo.Output}");
            if (silo.Output.Contains("Application started", StringComparison.Ordinal))
                return;
            await Task.Delay(250);
        }

        Assert.Fail($"silo {index} did not start: {silo.Output}");
    }

    /// <summary>Every device wakes up, sends data and completes, several times: outputs do not depend on timing.</summary>
    private static List<(string Device, Envelope Envelope)> CompletedSessions(int devices, int sessionsPerDevice)
    {
        var random = new Random(5);
        var time = new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero);
        var seqs = new long[devices];
        var workload = new List<(string, Envelope)>();
        for (var s = 0; s < sessionsPerDevice; s++)
        {
            for (var d = 0; d < devices; d++)
            {
                var device = $"node-{d}";
                workload.Add((device, new Envelope(DeviceWokeUp.Instance, time, ++seqs[d])));
                for (var k = random.Next(1, 5); k > 0; k--)
                    workload.Add((device, new Envelope(new DataReceived("temperature", random.Next(100)), time.AddSeconds(k), ++seqs[d])));
                workload.Add((device, new Envelope(AllDataReceived.Instance, time.AddSeconds(5), ++seqs[d])));
            }

            time = time.AddMinutes(1);
        }

        return workload;
    }
}
