using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Segmenter.Tests.Infrastructure;
using Segmenter.Tests.Pipeline;

namespace Segmenter.Tests.Interop;

/// <summary>
/// Segmenter as clients it did not write see it: kafkajs with @kafkajs/confluent-schema-registry (default options, plus
/// kafkajs-lz4 for the lz4-compressed outputs) registers the demo's schemas, produces demo records without <c>seq</c>
/// and reads both output topics through the registry; kafka-python (Debian's python3-kafka) reads the committed offsets
/// and kcat the topics' metadata. The pipeline is the embedded one (Kafka over TCP, the registry over HTTP, real Redis,
/// an in-process silo). Every expectation is written by hand below, not computed by the engine.
/// </summary>
[Collection(KafkaTestGroup.Name)]
public sealed class KafkaJsInteropTests(EmbeddedKafkaFixture kafka, SchemaRegistryFixture registry, RedisFixture redis)
{
    private static readonly string NodeFolder = Path.Combine(RepositoryPaths.Root, "Tests", "Interop", "node");

    /// <summary>One device's session as it must come out: its events (kind, or kind:name) in order, and its summary.</summary>
    private sealed record Expected(string Device, string Reason, bool StartedWithoutWakeUp, params string[] Events);

    private static readonly Expected[] Sessions =
    [
        new("interop-a", "Completed", false, "DeviceWokeUp", "DataReceived:pressure", "DataReceived:temperature", "AllDataReceived"),
        new("interop-b", "Superseded", false, "DeviceWokeUp", "DataReceived:wind"),
        new("interop-b", "Completed", false, "DeviceWokeUp", "DataReceived:humidity", "AllDataReceived"),
        new("interop-c", "TimedOut", false, "DeviceWokeUp", "DataReceived:pressure"),
        new("interop-d", "Completed", true, "DataReceived:wind", "AllDataReceived"),
    ];

    [Fact]
    public async Task Kafkajs_with_default_options_registers_the_demo_schema_produces_and_reads_every_session_through_the_registry()
    {
        Assert.True(File.Exists(Path.Combine(NodeFolder, "node_modules", "kafkajs", "package.json")),
            $"the node clients are not installed in {NodeFolder}: ./test.sh runs 'npm ci' there");
        await using var pipeline = await SegmenterTestPipeline.StartAsync(kafka, registry, redis, partitions: 4,
            rules: rules => rules.InactivityTimeout = TimeSpan.FromSeconds(2));
        var events = Plan(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var work = Directory.CreateTempSubdirectory("segmenter-interop-").FullName;
        try
        {
            await RunAsync(pipeline, events, work);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private async Task RunAsync(SegmenterTestPipeline pipeline, List<PlannedEvent> events, string work)
    {
        var output = Path.Combine(work, "interop.jsonl");
        var config = Path.Combine(work, "config.json");
        await File.WriteAllTextAsync(config, new JsonObject
        {
            ["bootstrap"] = kafka.BootstrapServers,
            ["registry"] = registry.Url,
            ["eventsTopic"] = pipeline.EventsTopic,
            ["sessionEventsTopic"] = pipeline.SessionEventsTopic,
            ["sessionsTopic"] = pipeline.SessionsTopic,
            ["keySchemaFile"] = Path.Combine(RepositoryPaths.Root, "Serialization", "Schemas", "Device.avsc"),
            ["valueSchemaFile"] = Path.Combine(RepositoryPaths.Root, "Tests", "Schemas", "Envelope.demo.avsc"),
            ["events"] = new JsonArray([.. events.Select(e => e.ToJson())]),
            ["expectedSessionEvents"] = Sessions.Sum(s => s.Events.Length),
            ["expectedSessions"] = Sessions.Length,
            ["timeoutMs"] = 90_000,
            ["out"] = output,
        }.ToJsonString());

        var run = await ExternalProgram.RunAsync("node", [Path.Combine(NodeFolder, "interop.js"), config], TimeSpan.FromSeconds(150), NodeFolder);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = (await File.ReadAllLinesAsync(output)).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
        await AssertRegisteredTheDemoSchemaAsync(pipeline, lines.Single(l => (string)l["kind"]! == "registered"));
        var produced = lines.Where(l => (string)l["kind"]! == "produced").ToList();
        Assert.Equal(events.Count, produced.Count);
        foreach (var record in produced)
        {
            // kafkajs' default partitioner is Java's murmur2: a device lands where the driver (librdkafka's murmur2_random) puts it.
            var device = (string)record["device"]!;
            Assert.True(await pipeline.PartitionOfAsync(device) == (int)record["partition"]!, $"kafkajs put {device} on partition {record["partition"]}");
        }

        var consumed = lines.Where(l => (string)l["kind"]! == "consumed").ToList();
        var sessionEvents = consumed.Where(l => (string)l["topic"]! == pipeline.SessionEventsTopic).ToList();
        var summaries = consumed.Where(l => (string)l["topic"]! == pipeline.SessionsTopic).ToList();
        Assert.Equal(Sessions.Sum(s => s.Events.Length), kafka.Ends(pipeline.SessionEventsTopic, pipeline.Partitions).Sum());
        Assert.Equal(Sessions.Length, kafka.Ends(pipeline.SessionsTopic, pipeline.Partitions).Sum());
        Assert.Equal(Sessions.Sum(s => s.Events.Length), sessionEvents.Count);
        Assert.Equal(Sessions.Length, summaries.Count);

        AssertSessions(events, produced, sessionEvents, summaries);
        await AssertCommittedOffsetsAsync(pipeline, produced);
        await AssertMetadataAsync(pipeline);
    }

    /// <summary>The devices' events, a few per device and interleaved, 100 ms apart per device from <paramref name="start"/>.</summary>
    private static List<PlannedEvent> Plan(long start)
    {
        var perDevice = Sessions.GroupBy(s => s.Device).Select(g => g.SelectMany(s => s.Events).Select((kind, i) => (g.Key, kind, i)).ToList()).ToList();
        var plan = new List<PlannedEvent>();
        for (var i = 0; i < perDevice.Max(d => d.Count); i++)
        {
            foreach (var device in perDevice.Where(d => i < d.Count))
            {
                var (id, kind, index) = device[i];
                var parts = kind.Split(':');
                plan.Add(new PlannedEvent(id, parts[0], parts.Length > 1 ? parts[1] : null, parts.Length > 1 ? 0.25 * (index + 1) : null, start + 100 * index));
            }
        }

        return plan;
    }

    private async Task AssertRegisteredTheDemoSchemaAsync(SegmenterTestPipeline pipeline, JsonObject registered)
    {
        var client = registry.NewClient();
        var value = await client.GetSchemaAsync((int)registered["valueId"]!);
        Assert.Contains("\"timestamp\"", value.SchemaString, StringComparison.Ordinal);
        Assert.DoesNotContain("\"seq\"", value.SchemaString, StringComparison.Ordinal);
        Assert.Equal((int)registered["valueId"]!, (await client.GetLatestSchemaAsync($"{pipeline.EventsTopic}-value")).Id);
        Assert.Equal("events.Device", ((Avro.NamedSchema)Avro.Schema.Parse((await client.GetSchemaAsync((int)registered["keyId"]!)).SchemaString)).Fullname);

        // kafkajs' registry client set the level it wants on the subject it registered first (a 404 told it to).
        using var http = new HttpClient { BaseAddress = new Uri(registry.Url) };
        var level = await http.GetFromJsonAsync<JsonObject>(new Uri($"/config/{pipeline.EventsTopic}-value", UriKind.Relative));
        Assert.Equal("BACKWARD", (string)level!["compatibilityLevel"]!);
    }

    private static void AssertSessions(List<PlannedEvent> plan, List<JsonObject> produced, List<JsonObject> sessionEvents, List<JsonObject> summaries)
    {
        // Where each planned event landed in the input, by device and its place among the device's events.
        var positions = plan.Zip(produced).GroupBy(p => p.First.Device)
            .SelectMany(g => g.Select((p, i) => (Key: (g.Key, i), Event: p.First, Partition: (int)p.Second["partition"]!, Offset: (long)p.Second["offset"]!)))
            .ToDictionary(p => p.Key);
        Assert.All(plan.Zip(produced), p => Assert.Equal((p.First.Device, p.First.Event), ((string)p.Second["device"]!, (string)p.Second["event"]!)));

        foreach (var device in Sessions.Select(s => s.Device).Distinct())
        {
            var expected = Sessions.Where(s => s.Device == device).ToList();
            var outputs = sessionEvents.Where(r => (string)r["key"]!["device"]!["id"]! == device)
                .GroupBy(r => (string)r["key"]!["sessionId"]!)
                .Select(g => g.OrderBy(r => (long)r["value"]!["timestamp"]!).ToList())
                .OrderBy(g => (long)g[0]["value"]!["timestamp"]!)
                .ToList();
            var deviceSummaries = summaries.Where(r => (string)r["value"]!["deviceId"]! == device).OrderBy(r => (long)r["value"]!["started"]!).ToList();
            Assert.True(expected.Count == outputs.Count, $"{device}: {outputs.Count} sessions in session-events, expected {expected.Count}");
            Assert.True(expected.Count == deviceSummaries.Count, $"{device}: {deviceSummaries.Count} summaries, expected {expected.Count}");

            var index = 0;
            for (var s = 0; s < expected.Count; s++)
            {
                var sessionId = (string)outputs[s][0]["key"]!["sessionId"]!;
                Assert.Equal(expected[s].Events, outputs[s].Select(Describe));
                foreach (var record in outputs[s])
                {
                    var input = positions[(device, index++)];
                    Assert.Equal(sessionId, (string)record["key"]!["sessionId"]!);
                    Assert.Equal(input.Event.Timestamp, (long)record["value"]!["timestamp"]!);
                    Assert.Null(record["value"]!["seq"]); // the demo's records have none
                    Assert.Equal(input.Partition.ToString(CultureInfo.InvariantCulture), (string?)record["headers"]!["source.partition"]);
                    Assert.Equal(input.Offset.ToString(CultureInfo.InvariantCulture), (string?)record["headers"]!["source.offset"]);
                    if (input.Event.Value is { } reading)
                        Assert.Equal(reading, (double)((JsonObject)record["value"]!["event"]!).Single().Value!["value"]!);
                }

                var summary = deviceSummaries[s];
                var value = summary["value"]!;
                Assert.Equal((device, sessionId), ((string)summary["key"]!["device"]!["id"]!, (string)summary["key"]!["sessionId"]!));
                Assert.Equal(sessionId, (string)value["sessionId"]!);
                Assert.Equal(expected[s].Reason, (string)value["reason"]!);
                Assert.Equal(expected[s].Events.Length, (long)value["eventCount"]!);
                Assert.Equal(expected[s].StartedWithoutWakeUp, (bool)value["startedWithoutWakeUp"]!);
                Assert.Equal((long)outputs[s][0]["value"]!["timestamp"]!, (long)value["started"]!);
                Assert.Equal((long)outputs[s][^1]["value"]!["timestamp"]!, (long)value["ended"]!);
                Assert.Equal(
                    expected[s].Events.Where(e => e.Contains(':', StringComparison.Ordinal)).Select(e => e.Split(':')[1]).Order(StringComparer.Ordinal),
                    value["metrics"]!.AsObject().Select(m => m.Key).Order(StringComparer.Ordinal));
                Assert.All(value["metrics"]!.AsObject(), m => Assert.Equal(1L, (long)m.Value!["count"]!));
            }
        }
    }

    /// <summary>kind, or kind:name for a reading, of a decoded envelope (avsc writes the union branch as {"events.X": {...}}).</summary>
    private static string Describe(JsonObject record)
    {
        var (branch, fields) = ((JsonObject)record["value"]!["event"]!).Single();
        var kind = branch["events.".Length..];
        return fields?["name"] is { } name ? $"{kind}:{(string)name!}" : kind;
    }

    private async Task AssertCommittedOffsetsAsync(SegmenterTestPipeline pipeline, List<JsonObject> produced)
    {
        // Every input record was processed (its session events are out), so the group commits past each one.
        var expected = produced.GroupBy(p => (int)p["partition"]!).ToDictionary(g => g.Key.ToString(CultureInfo.InvariantCulture), g => g.Max(p => (long)p["offset"]!) + 1);
        var script = Path.Combine(RepositoryPaths.Root, "Tests", "Interop", "python", "committed_offsets.py");
        Dictionary<string, long> committed = [];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var run = await ExternalProgram.RunAsync("/usr/bin/python3", [script, kafka.BootstrapServers, pipeline.Run, pipeline.EventsTopic], TimeSpan.FromSeconds(60));
            Assert.True(run.ExitCode == 0, run.ToString());
            committed = JsonNode.Parse(run.Out)!.AsObject().ToDictionary(p => p.Key, p => (long)p.Value!);
            if (expected.All(e => committed.GetValueOrDefault(e.Key) == e.Value) || DateTime.UtcNow > deadline)
                break;
            await Task.Delay(200);
        }

        Assert.True(expected.All(e => committed.GetValueOrDefault(e.Key) == e.Value),
            $"committed offsets of group {pipeline.Run} read by kafka-python: {string.Join(", ", committed.Select(c => $"{c.Key}={c.Value}"))}; expected {string.Join(", ", expected.Select(e => $"{e.Key}={e.Value}"))}");
        Assert.Equal(kafka.Committed(pipeline.EventsTopic, pipeline.Partitions, pipeline.Run).Where(o => o >= 0).Order(), committed.Values.Where(o => o >= 0).Order());
    }

    private async Task AssertMetadataAsync(SegmenterTestPipeline pipeline)
    {
        var run = await ExternalProgram.RunAsync("kcat", ["-b", kafka.BootstrapServers, "-L", "-J"], TimeSpan.FromSeconds(60));

        Assert.True(run.ExitCode == 0, run.ToString());
        var topics = JsonNode.Parse(run.Out)!["topics"]!.AsArray().ToDictionary(t => (string)t!["topic"]!, t => t!["partitions"]!.AsArray().Count);
        foreach (var topic in new[] { pipeline.EventsTopic, pipeline.SessionEventsTopic, pipeline.SessionsTopic })
            Assert.True(topics.GetValueOrDefault(topic) == pipeline.Partitions, $"kcat lists {topic} with {topics.GetValueOrDefault(topic)} partitions, expected {pipeline.Partitions}");
    }

    private sealed record PlannedEvent(string Device, string Event, string? Name, double? Value, long Timestamp)
    {
        public JsonObject ToJson() => new()
        {
            ["device"] = Device,
            ["event"] = Event,
            ["name"] = Name,
            ["value"] = Value,
            ["timestamp"] = Timestamp,
        };
    }
}
