using System.Text.Json.Nodes;
using Confluent.Kafka;
using Segmenter.Cli;
using Segmenter.Contracts;
using Segmenter.Serialization;
using Segmenter.Tests.Infrastructure;
using Segmenter.Tests.Pipeline;

namespace Segmenter.Tests.Cli;

/// <summary>
/// The Driver and Reader against the embedded Kafka and a running silo: a replay of every contract rule and a load test
/// with faults go through the pipeline once; then the reader's JSON lines must be exactly what the rules say, verify must
/// pass on the real output and fail with the reason on doctored copies of it, and the exit codes must hold for real
/// processes.
/// </summary>
[Collection(KafkaTestGroup.Name)]
public sealed class CliPipelineTests(EmbeddedKafkaFixture kafka, SchemaRegistryFixture registry, RedisFixture redis)
{
    private const int Partitions = 3;
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static PipelineRun? _run;

    [Fact]
    public async Task A_replay_of_every_rule_gives_the_expected_json_lines()
    {
        var run = await RunOnceAsync();
        var events = await ReadJsonLinesAsync(run, run.SessionEvents);
        var summaries = await ReadJsonLinesAsync(run, run.Sessions);
        var devices = RuleReplayFile.Devices.ToHashSet(StringComparer.Ordinal);

        // Session ids are deterministic but opaque: name them A, B, ... per device in the order the sessions opened.
        var actualEvents = events.Where(e => devices.Contains((string)e["device"]!))
            .OrderBy(e => (string)e["device"]!, StringComparer.Ordinal).ThenBy(e => (long)e["sourceOffset"]!).ToList();
        var letters = new Dictionary<string, string>(StringComparer.Ordinal);
        var opened = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in actualEvents)
        {
            var (device, id) = ((string)e["device"]!, (string)e["sessionId"]!);
            if (!letters.ContainsKey(id))
            {
                var count = opened.GetValueOrDefault(device);
                opened[device] = count + 1;
                letters[id] = ((char)('A' + count)).ToString();
            }

            Assert.Equal(run.SessionEvents, (string)e["topic"]!);
        }

        var expectedEvents = RuleReplayFile.Cases.OrderBy(c => c.Device, StringComparer.Ordinal).SelectMany(c => c.Lines.Select((line, i) => (c.Sessions[i], line)))
            .Where(l => l.Item1 != 'x').Select(l => ExpectedSessionEvent(l.line, l.Item1.ToString())).ToList();
        AssertJsonLines(expectedEvents, [.. actualEvents.Select(e => Normalized(e, letters))]);

        var actualSummaries = summaries.Where(s => devices.Contains((string)s["device"]!)).Select(s => Normalized(s, letters))
            .OrderBy(s => (string)s["device"]!, StringComparer.Ordinal).ThenBy(s => (string)s["sessionId"]!, StringComparer.Ordinal).ToList();
        var expectedSummaries = RuleReplayFile.Summaries.Select(s => JsonNode.Parse(s)!.AsObject())
            .OrderBy(s => (string)s["device"]!, StringComparer.Ordinal).ThenBy(s => (string)s["sessionId"]!, StringComparer.Ordinal).ToList();
        AssertJsonLines(expectedSummaries, actualSummaries);

        Assert.True(run.Replay.ExitCode == ExitCodes.Success, run.Replay.ToString());
        Assert.Contains($"replay: {RuleReplayFile.Lines.Count()} events from {run.RulesFile} and 7 raw bytes from {run.PoisonFile} -> {run.Events}: sent {RuleReplayFile.Lines.Count() + 1}, delivered {RuleReplayFile.Lines.Count() + 1}, failed 0.", run.Replay.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_reader_prints_readable_lines_like_the_demo()
    {
        var run = await RunOnceAsync();
        var events = await CliRunner.ReaderAsync([.. Connection(), "--topic", run.SessionEvents, "--from-beginning", "--exit-when-idle", "2s"]);
        Assert.True(events.ExitCode == ExitCodes.Success, events.ToString());
        Assert.Matches(@"(?m)^2026-01-01T00:00:00\.500Z " + run.SessionEvents + @"-\d@\d+ \[completed:[0-9a-z]{12}\] DataReceived\(pressure,0\.5\) seq=2$", events.Out);

        var sessions = await CliRunner.ReaderAsync([.. Connection(), "--topic", run.Sessions, "--from-beginning", "--exit-when-idle", "2s", "--max", "1000"]);
        Assert.True(sessions.ExitCode == ExitCodes.Success, sessions.ToString());
        Assert.Matches(@"(?m)^2026-01-01T00:00:02\.000Z " + run.Sessions + @"-\d@\d+ \[late:[0-9a-z]{12}\] Completed events=4 started=2026-01-01T00:00:00\.000Z duration=2s out-of-order=1 pressure\(n=2 min=1 max=2 mean=1\.5 last=2\)$", sessions.Out);

        var two = await CliRunner.ReaderAsync([.. Connection(), "--topic", run.Sessions, "--from-beginning", "--max", "2", "--format", "jsonl"]);
        Assert.Equal(2, two.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Verify_passes_on_the_real_output_of_the_rules_and_of_a_load_test_with_faults()
    {
        var run = await RunOnceAsync();
        var rules = await VerifyAsync(run, run.RulesFile, run.SessionEvents, run.Sessions);
        Assert.True(rules.ExitCode == ExitCodes.Success, rules.ToString());
        Assert.Contains($"  input           {RuleReplayFile.Lines.Count()} lines, {RuleReplayFile.Cases.Length} devices", rules.Out, StringComparison.Ordinal);
        Assert.Contains($"{run.Hostile.Count + 1} undecodable (dead-lettered by the silo)", rules.Out, StringComparison.Ordinal);
        Assert.Contains("1 retries to drop (rule 6)", rules.Out, StringComparison.Ordinal);
        Assert.Contains("Completed 6, TimedOut 9, Superseded 1, MaxDuration 1", rules.Out, StringComparison.Ordinal);
        Assert.Contains("PASSED", rules.Out, StringComparison.Ordinal);

        Assert.True(run.Load.ExitCode == ExitCodes.Success, run.Load.ToString());
        Assert.Matches(@"load: sent 300, delivered 300, failed 0 in .* faults: lost [1-9]\d*, duplicates [1-9]\d*, late [1-9]\d*\.", run.Load.Out);
        var load = await VerifyAsync(run, run.LoadFile, run.SessionEvents, run.Sessions);
        Assert.True(load.ExitCode == ExitCodes.Success, load.ToString());
        Assert.Contains("  input           300 lines, 6 devices", load.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(" 0 retries to drop", load.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_fails_on_doctored_output_with_the_reason()
    {
        var run = await RunOnceAsync();
        var doctor = new OutputDoctor(kafka, registry, run.SessionEvents, run.Sessions, Partitions);
        var pressure = new DataReceived("pressure", 1.5);

        // A session event missing.
        var missing = await doctor.CopyAsync("missing", sessionEvent: (key, envelope) => key.Device.Id == "completed" && envelope.Event == pressure ? [] : [key]);
        var result = await VerifyAsync(run, run.RulesFile, missing.SessionEvents, missing.Sessions);
        Assert.True(result.ExitCode == ExitCodes.Failure, result.ToString());
        Assert.Matches(@"VIOLATION \[event-missing\] completed: line 3 DataReceived\(pressure,1\.5\) @2026-01-01T00:00:01\.000Z seq=3 \(.+\) is not in session-events", result.Out);

        // A session event duplicated into another session.
        var twice = await doctor.CopyAsync("twice", sessionEvent: (key, envelope) =>
            key.Device.Id == "completed" && envelope.Event == pressure ? [key, key with { SessionId = "doctored0000" }] : [key]);
        result = await VerifyAsync(run, run.RulesFile, twice.SessionEvents, twice.Sessions);
        Assert.True(result.ExitCode == ExitCodes.Failure, result.ToString());
        Assert.Matches(@"VIOLATION \[event-in-two-sessions\] completed:[0-9a-z]{12}: line 3 DataReceived\(pressure,1\.5\) .* is in sessions [0-9a-z]{12} and doctored0000", result.Out);

        // A summary with a wrong count, checked by a real process to prove the exit code.
        var miscounted = await doctor.CopyAsync("miscounted", summary: s => s.DeviceId == "completed" ? s with { EventCount = 6 } : s);
        result = await CliRunner.ProcessAsync("Reader", [.. VerifyArgs(run, run.RulesFile, miscounted.SessionEvents, miscounted.Sessions)]);
        Assert.True(result.ExitCode == ExitCodes.Failure, result.ToString());
        Assert.Matches(@"VIOLATION \[summary-mismatch\] completed:[0-9a-z]{12}: eventCount is 6 but the session has 5 distinct events in session-events\.", result.Out);
        Assert.Contains("FAILED: 1 violations: summary-mismatch (1).", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exit_codes_hold_for_real_processes()
    {
        var run = await RunOnceAsync();
        var follow = await CliRunner.ProcessAsync("Reader", [.. Connection(), "--topic", run.Sessions, "--from-beginning", "--max", "1", "--format", "jsonl"]);
        Assert.True(follow.ExitCode == ExitCodes.Success, follow.ToString());
        Assert.StartsWith($"{{\"topic\":\"{run.Sessions}\",", follow.Out, StringComparison.Ordinal);

        var bad = Path.Combine(run.Folder, "bad.jsonl");
        await File.WriteAllTextAsync(bad, "{\"device\": \"d1\", \"event\": \"DeviceWokeUp\", \"timestamp\": 0}\n{\"device\": \"d1\", \"event\": \"Sleep\", \"timestamp\": 1}\n");
        var refused = await CliRunner.ProcessAsync("Driver", [.. Connection(), "replay", "--file", bad, "--topic", run.Events]);
        Assert.True(refused.ExitCode == ExitCodes.Usage, refused.ToString());
        Assert.Equal($"{bad}:2: \"event\" must be DeviceWokeUp, DataReceived or AllDataReceived, found \"Sleep\".", refused.Error.Trim());

        var noRegistry = await CliRunner.ProcessAsync("Reader", "--bootstrap", kafka.BootstrapServers, "--schema-registry", "http://127.0.0.1:1", "--topic", run.Sessions, "--max", "1");
        Assert.True(noRegistry.ExitCode == ExitCodes.Unreachable, noRegistry.ToString());
        Assert.StartsWith("Cannot reach the schema registry at http://127.0.0.1:1", noRegistry.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_reader_prints_every_undecodable_input_record_with_its_kind_and_goes_on()
    {
        var run = await RunOnceAsync();

        var jsonl = await CliRunner.ReaderAsync([.. Connection(), "--topic", run.Events, "--from-beginning", "--exit-when-idle", "2s", "--format", "jsonl"]);

        Assert.True(jsonl.ExitCode == ExitCodes.Success, jsonl.ToString());
        var lines = jsonl.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
        var undecodable = lines.Where(l => l.ContainsKey("error")).Select(l => ((string)l["error"]!, (string)l["message"]!)).ToList();
        Assert.Equal(RuleReplayFile.Lines.Count() + 300, lines.Count - undecodable.Count);
        Assert.Equal(run.Hostile.Count + 1, undecodable.Count); // and the replay's raw bytes
        Assert.Contains(undecodable, u => u.Item1 == nameof(AvroDecodeError.NotAvro) && u.Item2.Contains("7 bytes", StringComparison.Ordinal));
        foreach (var hostile in run.Hostile)
        {
            Assert.True(undecodable.Any(u => u.Item1 == hostile.Kind && hostile.Reason.All(words => u.Item2.Contains(words, StringComparison.Ordinal))),
                $"{hostile.Name}: no {hostile.Kind} line naming {string.Join(", ", hostile.Reason)} in\n{string.Join('\n', undecodable)}");
        }

        // As a user runs it, in text: one line per record, the bad ones said to be undecodable.
        var text = await CliRunner.ProcessAsync("Reader", [.. Connection(), "--topic", run.Events, "--from-beginning", "--exit-when-idle", "2s"]);
        Assert.True(text.ExitCode == ExitCodes.Success, text.ToString());
        Assert.Matches(@"(?m)^" + run.Events + @"-\d@\d+ undecodable \(TimestampOutOfRange\): Field events\.Envelope\.timestamp is 1790000000000000 ms since 1970", text.Out);
        Assert.Matches(@"(?m)^" + run.Events + @"-\d@\d+ undecodable \(TrailingBytes\): The value has 3 bytes after the end of its events\.Envelope", text.Out);
        Assert.Equal(lines.Count, text.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Verify_and_stats_go_on_over_undecodable_output_records()
    {
        var run = await RunOnceAsync();
        var doctored = await new OutputDoctor(kafka, registry, run.SessionEvents, run.Sessions, Partitions).CopyAsync("hostile");
        var serdes = new ContractSerdes(registry.NewClient());
        var sessionKey = await serdes.SessionKeySerializer.SerializeAsync(new SessionKey(new Device("completed"), "hostile00000"),
            new SerializationContext(MessageComponentType.Key, doctored.SessionEvents));
        var envelopeId = RawAvro.SchemaId(await serdes.EnvelopeSerializer.SerializeAsync(new Envelope(DeviceWokeUp.Instance, DateTimeOffset.UnixEpoch.AddDays(1)),
            new SerializationContext(MessageComponentType.Value, doctored.SessionEvents)));
        using (var producer = kafka.NewProducer())
        {
            await producer.ProduceAsync(doctored.SessionEvents, new Message<byte[], byte[]> { Key = sessionKey, Value = RawAvro.Envelope(envelopeId, HostileRecords.Microseconds) });
            await producer.ProduceAsync(doctored.SessionEvents, new Message<byte[], byte[]> { Key = sessionKey, Value = RawAvro.Envelope(envelopeId, 0, unionIndex: 7) });
            await producer.ProduceAsync(doctored.Sessions, new Message<byte[], byte[]> { Key = sessionKey, Value = "not a summary"u8.ToArray() });
        }

        var stats = await CliRunner.ReaderAsync([.. Connection(), "stats", "--events-topic", run.Events, "--session-events-topic", doctored.SessionEvents,
            "--sessions-topic", doctored.Sessions, "--group", run.Group, "--from-beginning", "--interval", "300ms", "--exit-when-idle", "2s"]);
        Assert.True(stats.ExitCode == ExitCodes.Success, stats.ToString());
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Matches(stats.Out, @"undecodable (\d+)").Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));

        // An undecodable output record is the silo's fault: a violation, reported with the others, not a crash.
        var verify = await VerifyAsync(run, run.RulesFile, doctored.SessionEvents, doctored.Sessions);
        Assert.True(verify.ExitCode == ExitCodes.Failure, verify.ToString());
        Assert.Matches(@"VIOLATION \[undecodable-output\] .*-session-events-\d@\d+ cannot be read \(TimestampOutOfRange\): Field events\.Envelope\.timestamp is 1790000000000000", verify.Out);
        Assert.Matches(@"VIOLATION \[undecodable-output\] .*-session-events-\d@\d+ cannot be read \(Corrupt\): .*union index 7", verify.Out);
        Assert.Matches(@"VIOLATION \[undecodable-output\] .*-sessions-\d@\d+ cannot be read \(NotAvro\)", verify.Out);
        Assert.Contains("FAILED: 3 violations: undecodable-output (3).", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_prints_live_figures()
    {
        var run = await RunOnceAsync();
        var stats = await CliRunner.ReaderAsync([.. Connection(), "stats", "--events-topic", run.Events, "--session-events-topic", run.SessionEvents,
            "--sessions-topic", run.Sessions, "--group", run.Group, "--from-beginning", "--interval", "300ms", "--exit-when-idle", "3s"]);
        Assert.True(stats.ExitCode == ExitCodes.Success, stats.ToString());
        var lines = System.Text.RegularExpressions.Regex.Matches(stats.Out,
            @"session-events +[\d,]+/s  sessions +[\d,]+/s  closed/s: Completed [\d,]+ TimedOut [\d,]+ Superseded [\d,]+ MaxDuration [\d,]+  latency (p50 \d+ms p90 \d+ms p99 \d+ms max \d+ms|-)  lag segmenter ([\d,]+) reader ([\d,]+)");
        Assert.True(lines.Count > 0, stats.ToString());
        Assert.Contains("latency p50", stats.Out, StringComparison.Ordinal);
        // The silo committed every input record before it stopped, and the reader had read everything when it went idle:
        // the last line says both lags are 0 (not n/a, not "?").
        Assert.Equal(("0", "0"), (lines[^1].Groups[2].Value, lines[^1].Groups[3].Value));
    }

    private sealed record PipelineRun(string Events, string SessionEvents, string Sessions, string Group, string Folder,
        string RulesFile, string PoisonFile, string LoadFile, CliResult Replay, CliResult Load, IReadOnlyList<HostileRecord> Hostile);

    private string[] Connection() => ["--bootstrap", kafka.BootstrapServers, "--schema-registry", registry.Url];

    private Task<CliResult> VerifyAsync(PipelineRun run, string input, string sessionEvents, string sessions) =>
        CliRunner.ReaderAsync([.. VerifyArgs(run, input, sessionEvents, sessions)]);

    private IEnumerable<string> VerifyArgs(PipelineRun run, string input, string sessionEvents, string sessions) =>
    [
        .. Connection(), "verify", "--input", input, "--events-topic", run.Events, "--session-events-topic", sessionEvents, "--sessions-topic", sessions,
        "--timeout", "2s", "--max-session-duration", "10s", "--exit-when-idle", "2s",
    ];

    private async Task<List<JsonObject>> ReadJsonLinesAsync(PipelineRun run, string topic)
    {
        var result = await CliRunner.ReaderAsync([.. Connection(), "--topic", topic, "--format", "jsonl", "--from-beginning", "--exit-when-idle", "2s"]);
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        return [.. result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject())];
    }

    private static JsonObject ExpectedSessionEvent(string line, string session)
    {
        Assert.True(EventLineParser.TryParse(line, 1, out var parsed, out var reason), reason);
        var data = parsed!.Envelope.Event as DataReceived;
        return new JsonObject
        {
            ["device"] = parsed.DeviceId,
            ["sessionId"] = session,
            ["event"] = parsed.Envelope.Event.Kind,
            ["name"] = data?.Name,
            ["value"] = data?.Value,
            ["timestamp"] = parsed.Envelope.Timestamp.ToUnixTimeMilliseconds(),
            ["seq"] = parsed.Envelope.Seq,
        };
    }

    /// <summary>A record as the rules determine it: without where Kafka put it, with the session's letter for its id.</summary>
    private static JsonObject Normalized(JsonObject record, Dictionary<string, string> letters)
    {
        var copy = record.DeepClone().AsObject();
        foreach (var placement in new[] { "topic", "partition", "offset", "sourcePartition", "sourceOffset" })
            copy.Remove(placement);
        copy["sessionId"] = letters[(string)record["sessionId"]!];
        return copy;
    }

    private static void AssertJsonLines(List<JsonObject> expected, List<JsonObject> actual)
    {
        var same = expected.Count == actual.Count && expected.Zip(actual).All(p => JsonNode.DeepEquals(p.First, p.Second));
        Assert.True(same, $"expected:\n{string.Join('\n', expected.Select(e => e.ToJsonString()))}\nactual:\n{string.Join('\n', actual.Select(a => a.ToJsonString()))}");
    }

    private async Task<PipelineRun> RunOnceAsync()
    {
        await Once.WaitAsync();
        try
        {
            return _run ??= await RunPipelineAsync();
        }
        finally
        {
            Once.Release();
        }
    }

    /// <summary>Replays the rules file (and a poison record) and runs a small load test through one silo, then stops it.</summary>
    private async Task<PipelineRun> RunPipelineAsync()
    {
        await using var pipeline = await SegmenterTestPipeline.StartAsync(kafka, registry, redis, partitions: Partitions,
            rules: o => { o.InactivityTimeout = RuleReplayFile.Timeout; o.MaxSessionDuration = RuleReplayFile.MaxSessionDuration; });
        var folder = Directory.CreateTempSubdirectory("segmenter-cli-").FullName;
        var rulesFile = Path.Combine(folder, "rules.jsonl");
        var poisonFile = Path.Combine(folder, "poison.bin");
        var loadFile = Path.Combine(folder, "load.jsonl");
        await File.WriteAllLinesAsync(rulesFile, RuleReplayFile.Lines);
        await File.WriteAllTextAsync(poisonFile, "garbage");
        string[] driver = [.. Connection(), "--topic", pipeline.EventsTopic];

        var replay = await CliRunner.DriverAsync([.. driver, "replay", "--file", rulesFile, "--raw-bytes", poisonFile, "--raw-device", "poison"]);
        var load = await CliRunner.DriverAsync([.. driver, "load", "--rate", "max", "--events", "300", "--devices", "6", "--device-prefix", "load-",
            "--loss", "0.1", "--duplicates", "0.1", "--late", "0.1", "--late-by", "1s", "--seed", "7", "--record", loadFile]);

        // What a producer that is not ours may write: the silo dead-letters these, the reader shows them as undecodable.
        var hostile = await HostileRecords.ForAsync(new ContractSerdes(registry.NewClient()), pipeline.EventsTopic, "hostile-");
        using (var producer = kafka.NewProducer())
        {
            foreach (var record in hostile)
                await producer.ProduceAsync(pipeline.EventsTopic, record.Message());
        }

        // Done when every input record is committed (a delivery returns once its outputs are acknowledged, so every session
        // that will ever open is in the outputs), every one of those sessions has its summary (the last ones time out after
        // 2 s) and the reader has read both outputs to their ends: nothing more comes, but a duplicate would be read.
        var accepted = RuleReplayFile.Cases.Sum(c => c.Sessions.Count(s => s != 'x'));
        var patience = TimeSpan.FromSeconds(60);
        await pipeline.WaitUntilSettledAsync(patience);
        Assert.True(pipeline.Events.Count >= accepted, $"{pipeline.Events.Count} session events, {accepted} accepted input records");
        await SegmenterTestPipeline.WaitUntilAsync(() =>
        {
            var summarised = pipeline.Summaries.Select(s => s.SessionId).ToHashSet(StringComparer.Ordinal);
            return pipeline.Events.All(e => summarised.Contains(e.Key.SessionId));
        }, patience, "every session closed and summarised");
        await pipeline.Outputs.WaitUntilReadToEndAsync(patience);

        return new PipelineRun(pipeline.EventsTopic, pipeline.SessionEventsTopic, pipeline.SessionsTopic, pipeline.Run, folder,
            rulesFile, poisonFile, loadFile, replay, load, hostile);
    }
}
