using Segmenter.Contracts;
using Segmenter.Tests.Infrastructure;
using Segmenter.Tests.Oracle;
using Xunit.Abstractions;

namespace Segmenter.Tests.Pipeline;

/// <summary>
/// History replayed: an hour of recorded events waits in the input when the silo starts. The backlog is judged by stream
/// time (no session is split because its next event was still unread), and the sessions still open when the replay
/// ends close within the timeout plus 2 s of the end, not at some later reminder.
/// </summary>
[Collection(KafkaTestGroup.Name)]
public sealed class PipelineBacklogTests(EmbeddedKafkaFixture kafka, SchemaRegistryFixture registry, RedisFixture redis, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(4); // the default
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task An_hour_of_history_replays_into_the_same_sessions_and_the_last_ones_close_within_timeout_plus_2_s_of_the_end()
    {
        await using var pipeline = await SegmenterTestPipeline.StartAsync(kafka, registry, redis, partitions: 4);
        await pipeline.StopClusterAsync();

        var history = History(devices: 200, span: TimeSpan.FromHours(1), seed: 3);
        var deliveries = new List<Task<SourcePosition>>(history.Count);
        foreach (var (device, envelope) in history)
            deliveries.Add(await pipeline.StartProduceAsync(device, envelope));
        var positions = await Task.WhenAll(deliveries);
        var oracle = new SessionOracle(Timeout);
        foreach (var i in Enumerable.Range(0, history.Count).OrderBy(i => positions[i].Partition).ThenBy(i => positions[i].Offset))
            oracle.Add(history[i].Device, history[i].Envelope, positions[i]);
        var expected = oracle.Sessions();
        var openAtEnd = expected.GroupBy(s => s.DeviceId).Select(g => g.Last()).Where(s => s.Reason == CloseReason.TimedOut).ToList();
        Assert.NotEmpty(openAtEnd);

        await pipeline.StartClusterAsync(1);
        var events = expected.Sum(s => s.Records.Count);
        await SegmenterTestPipeline.WaitUntilAsync(() => pipeline.Events.Select(e => (e.Key.Device.Id, e.Source)).Distinct().Count() >= events, Patience, "the whole history");
        var end = pipeline.Outputs.LastEventReadAt;
        await SegmenterTestPipeline.WaitUntilAsync(() => OracleComparison.Complete(expected, pipeline.Events, pipeline.Summaries), Patience, "every session");
        // Nothing more may come (no duplicate, no extra session): the input is committed, every scheduler is past the last
        // timeouts and the outputs are read to their ends.
        await pipeline.WitnessSchedulerPassAsync(Patience);

        OracleComparison.AssertSame(expected, OracleComparison.Observed(pipeline.Events, pipeline.Summaries, history.Select(h => h.Device).ToHashSet()));
        var closedAfterEnd = openAtEnd
            .Select(s => pipeline.Outputs.SummaryReadAt.Single(r => r.Key.Device.Id == s.DeviceId && pipeline.Events.Any(e => e.Key == r.Key && e.Source == s.Records[0])).Value - end)
            .ToList();
        output.WriteLine($"{history.Count} events of {expected.Count} sessions replayed; {openAtEnd.Count} sessions open at the end closed " +
            $"{closedAfterEnd.Min().TotalSeconds:0.0} to {closedAfterEnd.Max().TotalSeconds:0.0} s after the last event came out");
        Assert.All(closedAfterEnd, late => Assert.True(late <= Timeout + TimeSpan.FromSeconds(2), $"a session open at the end closed {late.TotalSeconds:0.0} s after it"));
    }

    /// <summary>
    /// Each device: sessions every 2 to 5 minutes of event time, a wake-up then readings 0.5 to 2 s apart, completed
    /// four times out of five (the others are left open: the next wake-up, or the end, times them out). All devices
    /// interleaved in event-time order, an hour ago to now.
    /// </summary>
    private static List<(string Device, Envelope Envelope)> History(int devices, TimeSpan span, int seed)
    {
        var random = new Random(seed);
        var end = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var history = new List<(string Device, Envelope Envelope)>();
        for (var d = 0; d < devices; d++)
        {
            var device = $"history-{d}";
            var time = end - span + TimeSpan.FromSeconds(random.Next(0, 300));
            long seq = 0;
            while (time < end - TimeSpan.FromSeconds(20))
            {
                history.Add((device, new Envelope(DeviceWokeUp.Instance, time, ++seq)));
                for (var k = random.Next(1, 5); k > 0; k--)
                {
                    time += TimeSpan.FromMilliseconds(random.Next(500, 2_000));
                    history.Add((device, new Envelope(new DataReceived("pressure", random.Next(100)), time, ++seq)));
                }

                if (random.Next(5) > 0)
                    history.Add((device, new Envelope(AllDataReceived.Instance, time + TimeSpan.FromMilliseconds(300), ++seq)));
                time += TimeSpan.FromSeconds(random.Next(120, 300));
            }

            // The last session of every device is left open unless it completed: the end of the replay must close it.
            if (random.Next(2) == 0)
                history.Add((device, new Envelope(DeviceWokeUp.Instance, end - TimeSpan.FromSeconds(random.Next(1, 15)), ++seq)));
        }

        return [.. history.OrderBy(h => h.Envelope.Timestamp)];
    }
}
