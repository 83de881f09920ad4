using Segmenter.Cli;
using Segmenter.Silo.Monitoring;
using Segmenter.Tests.Cli;
using Segmenter.Tests.Infrastructure;
using Segmenter.Tests.Monitoring;

namespace Segmenter.Tests.Silo;

/// <summary>
/// The silo's <c>/metrics</c> as Prometheus sees it: a real silo process (embedded profile), its own HTTP port and
/// exporter, scraped with Prometheus' Accept header while the driver produces events, and the operators' figures move;
/// the same figures pushed over OTLP to a stand-in collector.
/// </summary>
public sealed class MetricsEndpointTests
{
    private static readonly string SiloDll = RepositoryPaths.Program("Silo", "Segmenter.Silo");

    /// <summary>What a healthy Kafka silo has no sample of: records lost to retention or without a dead letter, and the Event Hubs transport's.</summary>
    private static readonly string[] NotServedHere =
        ["kafka.stream.records.skipped", "kafka.stream.records.dead_letter_lost", "eventhubs.stream.events.read", "eventhubs.stream.events.undecodable", "eventhubs.stream.events.written"];

    private static readonly string Consumed = Series("kafka.stream.records.consumed");
    private static readonly string Produced = Series("kafka.stream.records.produced");
    private static readonly string DeadLettered = Series("kafka.stream.records.dead_lettered");
    private static readonly string SessionsClosed = Series("segmenter.sessions.closed");
    private static readonly string Timeouts = Series("segmenter.scheduler.timeouts");
    private static readonly string Purges = Series("segmenter.scheduler.purges");
    private static readonly string DeliveryCount = ExportedMetrics.Named("segmenter.delivery.duration").Family + "_count";
    private static readonly string RedisWriteCount = ExportedMetrics.Named("segmenter.redis.write.duration").Family + "_count";

    /// <summary>The figures that must move while events flow, each read from a scrape.</summary>
    private static readonly (string What, Func<PrometheusScrape, double> Read)[] Moving =
    [
        ("records consumed from events", s => s.Sum(Consumed, ("topic", "events"))),
        ("records produced to session-events", s => s.Sum(Produced, ("topic", "session-events"))),
        ("records produced to sessions", s => s.Sum(Produced, ("topic", "sessions"))),
        ("sessions closed Completed", s => s.Sum(SessionsClosed, ("reason", "Completed"))),
        ("sessions closed TimedOut", s => s.Sum(SessionsClosed, ("reason", "TimedOut"))),
        ("deliveries measured", s => s.Sum(DeliveryCount)),
        ("Redis writes measured", s => s.Sum(RedisWriteCount)),
        ("timeouts closed by the schedulers", s => s.Sum(Timeouts, ("topic", "events"))),
        ("idle devices purged by the schedulers", s => s.Sum(Purges, ("topic", "events"))),
        ("records dead-lettered NotAvro", s => s.Sum(DeadLettered, ("kind", "NotAvro"))),
    ];

    [Fact]
    public async Task The_silo_serves_its_figures_and_Orleans_at_metrics_pushes_them_over_OTLP_and_they_move_while_events_flow()
    {
        var ports = FreePorts.Take(7);
        var (kafkaPort, registryPort, redisPort, httpPort, siloPort, gatewayPort) = (ports[0], ports[1], ports[2], ports[3], ports[4], ports[5]);
        var data = Directory.CreateTempSubdirectory("segmenter-metrics-").FullName;
        using var collector = new OtlpReceiver(ports[6]);
        await using var silo = ChildProcess.Start(SiloDll,
        [
            $"--Kafka:BootstrapServers=127.0.0.1:{kafkaPort}", $"--SchemaRegistry:Url=http://127.0.0.1:{registryPort}",
            $"--Embedded:RedisPort={redisPort}", $"--urls=http://127.0.0.1:{httpPort}", $"--Orleans:SiloPort={siloPort}",
            $"--Orleans:GatewayPort={gatewayPort}", $"--Segmenter:DataDirectory={data}", "--Embedded:Partitions=2",
            // Short timeout and purge delay, so that sessions time out and idle devices are forgotten within the test.
            "--Segmentation:InactivityTimeout=00:00:02", "--Segmentation:PurgeAfter=00:00:05", "--Segmenter:StatusInterval=00:00:00",
            $"--Telemetry:OtlpEndpoint={collector.BaseAddress}", "--Telemetry:OtlpProtocol=http/protobuf",
        ],
        // The standard variable, read as operators set it; every second instead of every minute.
        new Dictionary<string, string> { ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000" });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(10) };
        await SiloProcessTests.WaitForHealthyAsync(http, silo);
        Assert.Contains($"Metrics: Prometheus scrape endpoint /metrics; OTLP export to {collector.BaseAddress}v1/metrics over HttpProtobuf", silo.Output, StringComparison.Ordinal);

        // Lag gauges are per partition the silo owns: both, once their readers have reported.
        var idle = await ScrapeUntilAsync(http, silo, s => LaggedPartitions(s).SetEquals(["0", "1"]), TimeSpan.FromSeconds(60));
        Assert.Equal(["0", "1"], LaggedPartitions(idle).Order(StringComparer.Ordinal));

        var connection = new[] { "--bootstrap", $"127.0.0.1:{kafkaPort}", "--schema-registry", $"http://127.0.0.1:{registryPort}" };
        var load = CliRunner.DriverAsync([.. connection, "load", "--rate", "50", "--duration", "12s", "--devices", "20", "--seed", "11", "--device-prefix", "metrics-"]);
        var first = await ScrapeUntilAsync(http, silo, s => s.Sum(Consumed) > 0, TimeSpan.FromSeconds(60));
        Assert.True(first.Sum(Consumed) > 0, "no record was consumed while the driver produced");
        Assert.False(load.IsCompleted, "the load ended before the first scrape: the second one would not see events flowing");

        // While the load runs: a record that is not Avro (dead-lettered) and a device that wakes up and falls silent
        // (its session closed TimedOut by its partition's scheduler, then the device purged).
        var poison = Path.Combine(data, "poison.bin");
        await File.WriteAllBytesAsync(poison, "not avro"u8.ToArray());
        var events = Path.Combine(data, "silent.jsonl");
        await File.WriteAllTextAsync(events, $$"""{"device": "metrics-silent", "event": "DeviceWokeUp", "timestamp": {{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}, "seq": 1}""");
        var replay = await CliRunner.DriverAsync([.. connection, "replay", "--file", events, "--raw-bytes", poison, "--raw-device", "metrics-poison"]);
        Assert.True(replay.ExitCode == ExitCodes.Success, replay.ToString());
        var loaded = await load;
        Assert.True(loaded.ExitCode == ExitCodes.Success, loaded.ToString());

        var second = await ScrapeUntilAsync(http, silo, s => Moving.All(m => m.Read(s) > m.Read(first)), TimeSpan.FromSeconds(90));
        foreach (var (what, read) in Moving)
            Assert.True(read(second) > read(first), $"{what}: {read(first)} at the first scrape, {read(second)} at the second");

        foreach (var partition in new[] { "0", "1" })
        {
            foreach (var gauge in new[] { "kafka.stream.partition.lag", "kafka.stream.partition.unread", "kafka.stream.partition.pending", "kafka.stream.partition.pending_age", "kafka.stream.partition.stalled" })
                Assert.Single(second.Find(Series(gauge), ("topic", "events"), ("partition", partition)));
        }

        // Every listed name is served (the dashboard and README rely on these names); Segmenter's with their descriptions.
        foreach (var instrument in ExportedMetrics.All.Where(i => !NotServedHere.Contains(i.Name)))
        {
            foreach (var series in instrument.Series)
                Assert.True(second.Has(series), $"{instrument.Name}: no {series} in the scrape");
            if (instrument.Meter != SiloTelemetry.OrleansMeter)
                Assert.False(string.IsNullOrWhiteSpace(second.Help(instrument.Family)), $"{instrument.Family} has no HELP line");
        }

        // OTLP carries the instruments' own names; a push after the figures moved holds the new ones.
        var pushed = await PushedAsync(collector, ["segmenter.sessions.closed", "segmenter.delivery.duration", "kafka.stream.partition.lag", "TimedOut"], TimeSpan.FromSeconds(30));
        Assert.True(pushed is not null, $"no OTLP push named every figure; {collector.Requests.Count} pushes to {string.Join(", ", collector.Requests.Select(r => r.Path).Distinct())}");
        Assert.Equal(("/v1/metrics", "application/x-protobuf"), (pushed.Path, pushed.ContentType));

        Assert.Equal(0, await silo.StopAsync(TimeSpan.FromSeconds(60)));
    }

    /// <summary>The first push whose body names every one of <paramref name="names"/> (protobuf keeps strings as UTF-8).</summary>
    private static async Task<OtlpRequest?> PushedAsync(OtlpReceiver collector, string[] names, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var found = collector.Requests.FirstOrDefault(r => names.All(n => r.Body.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(n)) >= 0));
            if (found is not null || DateTime.UtcNow > deadline)
                return found;
            await Task.Delay(500);
        }
    }

    private static string Series(string instrument) => ExportedMetrics.Named(instrument).Series[0];

    private static HashSet<string> LaggedPartitions(PrometheusScrape scrape) =>
        scrape.Find(Series("kafka.stream.partition.lag"), ("topic", "events")).Select(s => s.Labels["partition"]).ToHashSet(StringComparer.Ordinal);

    /// <summary>Scrapes until <paramref name="done"/> holds or the time is up, then returns the last scrape.</summary>
    private static async Task<PrometheusScrape> ScrapeUntilAsync(HttpClient http, ChildProcess silo, Func<PrometheusScrape, bool> done, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            Assert.False(silo.HasExited, $"the silo exited: {silo.Output}");
            var scrape = await PrometheusScrape.FetchAsync(http);
            if (done(scrape) || DateTime.UtcNow > deadline)
                return scrape;
            await Task.Delay(500);
        }
    }
}
