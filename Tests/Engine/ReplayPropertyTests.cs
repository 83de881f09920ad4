using Segmenter.Partitions;
using Segmenter.Contracts;
using Segmenter.Grains.Segmentation;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Engine;

/// <summary>
/// Property: for random event sequences with retries (same seq sent again), redelivered records (same
/// position again) and crashes (state rolled back to its last persisted copy, input replayed from there),
/// every distinct event is emitted exactly once after dedupe by (device, session, position), and every
/// opened session gets exactly one summary, identical wherever it was emitted more than once.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class ReplayPropertyTests
{
    private static readonly string[] MetricNames = ["pressure", "temperature", "wind", "humidity"];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Replays_and_retries_yield_exactly_one_output_per_event_and_one_summary_per_session(int seed)
    {
        var random = new Random(seed);
        var options = new SegmentationOptions { MaxSessionDuration = random.Next(2) == 0 ? null : TimeSpan.FromSeconds(20) };
        var segmenter = new SessionSegmenter(options);
        var input = GenerateInput(random, devices: 3, count: 150);

        // Reference run: every record once, in order, no crash.
        var reference = Run(segmenter, input, crashes: null);

        // Run with crashes: after some records, the in-memory state is lost and the input is replayed from the
        // last "persisted" point, exactly as the grain does after a silo dies before its state write.
        var crashy = Run(segmenter, input, crashes: new Random(seed * 7919));

        var distinctEvents = crashy.Events.DistinctBy(e => (e.Key.Device.Id, e.Key.SessionId, e.Source)).ToList();
        Assert.Equal(reference.Events.Count, distinctEvents.Count);
        Assert.Equal(reference.Events.Select(e => (e.Key, e.Source)), distinctEvents.Select(e => (e.Key, e.Source)));

        // Every record that was not a retry by seq is emitted exactly once.
        var expectedPositions = input.Where(r => !r.IsRetry).Select(r => r.Record.Position).ToHashSet();
        Assert.Equal(expectedPositions.Order(), distinctEvents.Select(e => e.Source).Order());

        // One summary per opened session, and duplicates of a summary are identical.
        var opened = distinctEvents.Select(e => (e.Key.Device.Id, e.Key.SessionId)).ToHashSet();
        var summaries = crashy.Summaries.GroupBy(s => (s.DeviceId, s.SessionId)).ToList();
        Assert.Equal(opened.Order(), summaries.Select(g => g.Key).Order());
        Assert.All(summaries, g => Assert.Single(g.Distinct()));
        Assert.Equal(reference.Summaries.OrderBy(s => s.SessionId, StringComparer.Ordinal), summaries.Select(g => g.First()).OrderBy(s => s.SessionId, StringComparer.Ordinal));
    }

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var seed = 1; seed <= 200; seed++)
            data.Add(seed);
        return data;
    }

    private sealed record InputRecord(string DeviceId, IncomingEvent Record, bool IsRetry);

    private sealed record Outputs(List<SessionEvent> Events, List<SessionSummary> Summaries);

    private static List<InputRecord> GenerateInput(Random random, int devices, int count)
    {
        var input = new List<InputRecord>();
        var time = EngineScript.At(0);
        var seqs = new long[devices];
        var sent = new List<InputRecord>[devices];
        for (var d = 0; d < devices; d++)
            sent[d] = [];

        for (long offset = 0; offset < count; offset++)
        {
            var d = random.Next(devices);
            time += TimeSpan.FromMilliseconds(random.Next(0, 6_000));
            InputRecord record;
            if (sent[d].Count > 0 && random.NextDouble() < 0.1)
            {
                // A retry: the device sends an earlier event again, same seq, as a new Kafka record.
                var earlier = sent[d][random.Next(sent[d].Count)];
                record = earlier with { Record = earlier.Record with { Position = new SourcePosition(0, offset), ArrivalTime = time }, IsRetry = true };
            }
            else
            {
                DeviceEvent evt = random.Next(10) switch
                {
                    < 3 => DeviceWokeUp.Instance,
                    < 8 => new DataReceived(MetricNames[random.Next(MetricNames.Length)], Math.Round(random.NextDouble() * 100, 2)),
                    _ => AllDataReceived.Instance,
                };
                var seq = random.Next(4) == 0 ? (long?)null : ++seqs[d];
                var eventTime = random.Next(10) == 0 ? time - TimeSpan.FromSeconds(random.Next(1, 30)) : time; // some late events
                record = new InputRecord($"device-{d}", new IncomingEvent(new Envelope(evt, eventTime, seq), new SourcePosition(0, offset), time), IsRetry: false);
                if (seq is not null)
                    sent[d].Add(record);
            }

            input.Add(record);
        }

        return input;
    }

    private static Outputs Run(SessionSegmenter segmenter, List<InputRecord> input, Random? crashes)
    {
        var live = new Dictionary<string, DeviceState>(StringComparer.Ordinal);
        var persisted = new Dictionary<string, DeviceState>(StringComparer.Ordinal);
        var output = new SegmentationOutput();
        var committed = 0; // everything before this index is reflected in the persisted states

        var i = 0;
        while (i < input.Count)
        {
            var (deviceId, record, _) = input[i];
            if (!live.TryGetValue(deviceId, out var state))
                live[deviceId] = state = new DeviceState { DeviceId = deviceId };
            segmenter.Apply(state, record, output);
            i++;

            if (crashes is null || crashes.NextDouble() < 0.3)
            {
                // Persist: the grain writes state after publishing the batch's outputs.
                foreach (var (id, s) in live)
                    persisted[id] = s.Copy();
                committed = i;
            }
            else if (crashes.NextDouble() < 0.15)
            {
                // Crash: outputs already published stay published; state and position fall back.
                live = persisted.ToDictionary(p => p.Key, p => p.Value.Copy(), StringComparer.Ordinal);
                i = committed;
            }
        }

        // Let every open session time out.
        foreach (var state in live.Values)
            segmenter.CloseIfInactive(state, new PartitionClock(null, EngineScript.At(1_000_000)), EngineScript.At(1_000_000), output);

        return new Outputs([.. output.Events], [.. output.Summaries]);
    }
}
