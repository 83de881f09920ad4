using Segmenter.Contracts;
using Segmenter.Grains.Segmentation;
using Segmenter.Tests.Oracle;
using Segmenter.Tests.Engine;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Pipeline;

/// <summary>
/// Every rule of the contract end to end: each rule's script (the engine table) is produced as Avro records to
/// Kafka for a device of its own; the outputs read back from <c>session-events</c> and <c>sessions</c> must form
/// exactly the sessions an independent model of the rules expects for the same records (their records, reasons and
/// summary figures), and the sessions per step and the closing reasons must be the hand-written table's. One pipeline
/// run serves all rows.
/// </summary>
[Collection(KafkaTestGroup.Name)]
public sealed class PipelineRuleTests(EmbeddedKafkaFixture kafka, SchemaRegistryFixture registry, RedisFixture redis)
{
    private static readonly SegmentationOptions Options = new() { MaxSessionDuration = TimeSpan.FromSeconds(10) };
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static Dictionary<string, DeviceRun>? _runs;

    /// <summary>The engine table rows that a Kafka producer can express (no redelivery, no clock steps).</summary>
    public static TheoryData<string, string, string, string> Rules()
    {
        var rows = new TheoryData<string, string, string, string>();
        foreach (var source in new[] { SegmentationRuleTests.Rules, SegmentationRuleTests.MaxDurationRules })
        {
            foreach (var row in source)
            {
                var steps = (string)row[1];
                if (steps.Contains('^', StringComparison.Ordinal) || steps.Contains('~', StringComparison.Ordinal) || steps.Contains('T', StringComparison.Ordinal) || steps.Contains('L', StringComparison.Ordinal))
                    continue;
                rows.Add((string)row[0], steps, (string)row[2], (string)row[3]);
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public async Task Rule_holds_end_to_end(string rule, string steps, string sessions, string closed)
    {
        var runs = await RunAllRulesOnceAsync();
        var run = runs[rule];

        // The sessions, records and summaries are the independent model's (SessionOracle, not the engine under test).
        OracleComparison.AssertSame(run.Expected, OracleComparison.Observed(run.ActualEvents, run.ActualSummaries, new HashSet<string>([run.Device])));
        // Records of one session share a key and a partition, so they are in order; sessions may interleave.
        Assert.All(run.ActualEvents.GroupBy(e => e.Key), session => Assert.Equal(session.OrderBy(e => e.Source), session));

        // Read the sessions per step off the pipeline's own output, as the hand-written table states them.
        var letters = new Dictionary<string, char>(StringComparer.Ordinal);
        string Letter(string sessionId) => (letters.TryGetValue(sessionId, out var l) ? l : letters[sessionId] = (char)('A' + letters.Count)).ToString();
        var perStep = string.Concat(run.Positions.Select(p => run.ActualEvents.FirstOrDefault(e => e.Source == p) is { } e ? Letter(e.Key.SessionId) : "x"));
        Assert.True(sessions == perStep, $"{rule}: {steps} gave sessions {perStep}, expected {sessions}");
        // In closing order (a device has one open session at a time: the order they opened), all but the final timeout.
        var sessionIds = run.ActualEvents.GroupBy(e => e.Key.SessionId).OrderBy(g => g.Min(e => e.Source)).Select(g => g.Key).ToList();
        var closedInOrder = sessionIds.Select(id => run.ActualSummaries.First(s => s.SessionId == id));
        var closedByPipeline = string.Join(' ', closedInOrder.Take(closed.Length == 0 ? 0 : closed.Split(' ').Length).Select(s => $"{Letter(s.SessionId)}:{s.Reason}"));
        Assert.Equal(closed, closedByPipeline);
    }

    private sealed record DeviceRun(string Device, List<SourcePosition> Positions, IReadOnlyList<ExpectedSession> Expected, List<OutputEvent> ActualEvents, List<SessionSummary> ActualSummaries);

    private async Task<Dictionary<string, DeviceRun>> RunAllRulesOnceAsync()
    {
        await Once.WaitAsync();
        try
        {
            return _runs ??= await RunAllRulesAsync();
        }
        finally
        {
            Once.Release();
        }
    }

    private async Task<Dictionary<string, DeviceRun>> RunAllRulesAsync()
    {
        await using var pipeline = await SegmenterTestPipeline.StartAsync(kafka, registry, redis, partitions: 3, rules: o => o.MaxSessionDuration = Options.MaxSessionDuration);
        var runs = new Dictionary<string, DeviceRun>(StringComparer.Ordinal);
        var index = 0;
        foreach (var row in Rules())
        {
            var (rule, steps) = ((string)row[0], (string)row[1]);
            var deviceId = $"rule-{index++}";
            var oracle = new SessionOracle(Options.InactivityTimeout, Options.MaxSessionDuration);
            var positions = new List<SourcePosition>();
            foreach (var envelope in EngineScript.Envelopes(steps))
            {
                var position = await pipeline.ProduceAsync(deviceId, envelope);
                positions.Add(position);
                oracle.Add(deviceId, envelope, position);
            }

            runs[rule] = new DeviceRun(deviceId, positions, oracle.Sessions(), [], []); // the last session times out
        }

        var expected = runs.Values.SelectMany(r => r.Expected).ToList();
        await SegmenterTestPipeline.WaitUntilAsync(() => OracleComparison.Complete(expected, pipeline.Events, pipeline.Summaries),
            TimeSpan.FromSeconds(60), $"{expected.Count} sessions");
        // Nothing more may come: witnessed by every input record committed, every partition's scheduler past the last
        // timeouts (a later session of its own closed) and the outputs read to their ends.
        await pipeline.WitnessSchedulerPassAsync(TimeSpan.FromSeconds(60));

        foreach (var run in runs.Values)
        {
            run.ActualEvents.AddRange(pipeline.Events.Where(e => e.Key.Device.Id == run.Device));
            run.ActualSummaries.AddRange(pipeline.Summaries.Where(s => s.DeviceId == run.Device));
        }

        return runs;
    }
}
