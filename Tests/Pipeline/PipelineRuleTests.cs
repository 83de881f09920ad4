using Segmenter.Partitions;
using Segmenter.Contracts;
using Segmenter.Grains.Segmentation;
using Segmenter.Tests.Engine;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Pipeline;

/// <summary>
/// Every rule of the contract end to end: each rule's script (the engine table) is produced as Avro records to
/// Kafka for a device of its own; the outputs read back from <c>session-events</c> and <c>sessions</c> must be exactly
/// what the pure engine computes for the same records at the same positions — keys, session ids, events, reasons and
/// summaries — and the sessions per step must be the table's. One pipeline run serves all rows.
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

        // Records of one session share a key and a partition, so they are in order; sessions may interleave.
        Assert.Equal(run.Expected.Events.Select(e => (e.Key, e.Envelope, e.Source)), run.ActualEvents.OrderBy(e => e.Source).Select(e => (e.Key, e.Envelope, e.Source)));
        Assert.All(run.ActualEvents.GroupBy(e => e.Key), session => Assert.Equal(session.OrderBy(e => e.Source), session));
        Assert.Equal(run.Expected.Summaries.OrderBy(s => s.SessionId, StringComparer.Ordinal), run.ActualSummaries.OrderBy(s => s.SessionId, StringComparer.Ordinal));

        // Read the sessions per step off the pipeline's own output, as the engine table states them.
        var letters = new Dictionary<string, char>(StringComparer.Ordinal);
        string Letter(string sessionId) => (letters.TryGetValue(sessionId, out var l) ? l : letters[sessionId] = (char)('A' + letters.Count)).ToString();
        var perStep = string.Concat(run.Positions.Select(p => run.ActualEvents.FirstOrDefault(e => e.Source == p) is { } e ? Letter(e.Key.SessionId) : "x"));
        Assert.True(sessions == perStep, $"{rule}: {steps} gave sessions {perStep}, expected {sessions}");
        // In closing order (the engine's), all but the final timeout that ends every run.
        var closedByScript = string.Join(' ', run.Expected.Summaries.Take(closed.Length == 0 ? 0 : closed.Split(' ').Length).Select(s => $"{Letter(s.SessionId)}:{s.Reason}"));
        Assert.Equal(closed, closedByScript);
    }

    private sealed record DeviceRun(List<SourcePosition> Positions, SegmentationOutput Expected, List<OutputEvent> ActualEvents, List<SessionSummary> ActualSummaries);

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
        var engine = new SessionSegmenter(Options);
        var runs = new Dictionary<string, DeviceRun>(StringComparer.Ordinal);
        var index = 0;
        foreach (var row in Rules())
        {
            var (rule, steps) = ((string)row[0], (string)row[1]);
            var deviceId = $"rule-{index++}";
            var state = new DeviceState { DeviceId = deviceId };
            var expected = new SegmentationOutput();
            var positions = new List<SourcePosition>();
            foreach (var envelope in EngineScript.Envelopes(steps))
            {
                var position = await pipeline.ProduceAsync(deviceId, envelope);
                positions.Add(position);
                engine.Apply(state, new IncomingEvent(envelope, position, DateTimeOffset.UtcNow), expected);
            }

            engine.CloseIfInactive(state, new PartitionClock(null, DateTimeOffset.MaxValue), DateTimeOffset.MaxValue, expected); // the last session times out
            runs[rule] = new DeviceRun(positions, expected, [], []);
        }

        var totalEvents = runs.Values.Sum(r => r.Expected.Events.Count);
        var totalSummaries = runs.Values.Sum(r => r.Expected.Summaries.Count);
        await SegmenterTestPipeline.WaitUntilAsync(() => pipeline.Events.Count >= totalEvents && pipeline.Summaries.Count >= totalSummaries,
            TimeSpan.FromSeconds(60), $"{totalEvents} session events and {totalSummaries} summaries");
        await Task.Delay(500); // nothing more may come

        foreach (var (_, run) in runs)
        {
            var device = run.Expected.Events[0].Key.Device.Id;
            run.ActualEvents.AddRange(pipeline.Events.Where(e => e.Key.Device.Id == device));
            run.ActualSummaries.AddRange(pipeline.Summaries.Where(s => s.DeviceId == device));
        }

        return runs;
    }
}
