using System.Net;
using System.Text.Json.Nodes;
using Segmenter.Cli;
using Segmenter.Tests.Cli;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Silo;

/// <summary>The silo as people run it: a real process, configured by its command line, stopped by a signal.</summary>
public sealed class SiloProcessTests
{
    private static readonly string SiloDll = RepositoryPaths.Program("Silo", "Segmenter.Silo");

    [Theory]
    [InlineData("--Segmenter:Transport=carrier-pigeon", "Segmenter:Transport must be 'kafka' or 'eventhubs' (got 'carrier-pigeon')")]
    [InlineData("--Kafka:BootstrapServers=", "Kafka:BootstrapServers is required")]
    [InlineData("--Segmentation:InactivityTimeout=-00:00:04", "Segmentation:InactivityTimeout must be positive")]
    [InlineData("--Segmentation:InactivityTimeout=banana", "Segmentation:InactivityTimeout")]
    [InlineData("--Segmenter:Profile=cluster", "Redis:ConnectionString is required in the cluster profile")]
    [InlineData("--Telemetry:OtlpEndpoint=collector:4317", "Telemetry:OtlpEndpoint must be an http(s) address")]
    [InlineData("--Kafka:Security:Protocol=SASL_PLAINTEXT", "Kafka:Security:SaslMechanism is required with Protocol SASL_PLAINTEXT")]
    [InlineData("--Kafka:Security:Protocol=SASL_SSL", "cannot be served by the embedded Kafka (Embedded:Kafka=true)")]
    [InlineData("--Http:BasicAuthUserInfo=admin", "Http:BasicAuthUserInfo must be user:password")]
    [InlineData("--SchemaRegistry:BasicAuthUserInfo=key", "SchemaRegistry:BasicAuthUserInfo must be user:password")]
    public async Task Bad_configuration_stops_the_silo_at_once_with_a_message_naming_the_setting(string setting, string message)
    {
        await using var silo = ChildProcess.Start(SiloDll, [setting]);

        var exitCode = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        Assert.Contains(message, silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_in_a_wrong_configuration_is_not_repeated()
    {
        await using var silo = ChildProcess.Start(SiloDll, ["--Kafka:Security:SaslPassword=TopSecret-4711", "--SchemaRegistry:Url=https://key:Other-Secret@registry.example"]);

        var exitCode = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        Assert.Contains("Kafka:Security:SaslPassword is set but would not be used", silo.Output, StringComparison.Ordinal);
        Assert.Contains("SchemaRegistry:Url must not carry credentials ('https://***@registry.example')", silo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("TopSecret-4711", silo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Other-Secret", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_embedded_profile_runs_the_pipeline_serves_health_dashboard_and_queries_and_stops_cleanly()
    {
        var ports = FreePorts.Take(6);
        var (kafkaPort, registryPort, redisPort, httpPort, siloPort, gatewayPort) = (ports[0], ports[1], ports[2], ports[3], ports[4], ports[5]);
        var data = Directory.CreateTempSubdirectory("segmenter-silo-").FullName;
        await using var silo = ChildProcess.Start(SiloDll,
        [
            $"--Kafka:BootstrapServers=127.0.0.1:{kafkaPort}", $"--SchemaRegistry:Url=http://127.0.0.1:{registryPort}",
            $"--Embedded:RedisPort={redisPort}", $"--urls=http://127.0.0.1:{httpPort}", $"--Orleans:SiloPort={siloPort}",
            $"--Orleans:GatewayPort={gatewayPort}", $"--Segmenter:DataDirectory={data}", "--Embedded:Partitions=2",
            // The device "open" must still be open when it is queried, after a driver and a reader process have run:
            // on a busy machine that alone can take longer than a short timeout.
            "--Segmentation:InactivityTimeout=00:01:00", "--Segmenter:StatusInterval=00:00:01",
        ]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(5) };
        await WaitForHealthyAsync(http, silo);

        // As an operator would: events from a file through the Driver, the sessions printed by the Reader.
        var connection = new[] { "--bootstrap", $"127.0.0.1:{kafkaPort}", "--schema-registry", $"http://127.0.0.1:{registryPort}" };
        var events = Path.Combine(data, "events.jsonl");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await File.WriteAllLinesAsync(events,
        [
            $$"""{"device": "complete", "event": "DeviceWokeUp", "timestamp": {{now}}, "seq": 1}""",
            $$"""{"device": "complete", "event": "DataReceived", "name": "pressure", "value": 0.5, "timestamp": {{now + 10}}, "seq": 2}""",
            $$"""{"device": "complete", "event": "AllDataReceived", "timestamp": {{now + 20}}, "seq": 3}""",
            $$"""{"device": "open", "event": "DeviceWokeUp", "timestamp": {{now}}, "seq": 1}""",
        ]);
        var replay = await CliRunner.ProcessAsync("Driver", [.. connection, "replay", "--file", events, "--topic", "events"]);
        Assert.True(replay.ExitCode == ExitCodes.Success, replay.ToString());

        var read = await CliRunner.ProcessAsync("Reader", [.. connection, "--topic", "sessions", "--from-beginning", "--max", "1", "--format", "jsonl"]);
        Assert.True(read.ExitCode == ExitCodes.Success, read.ToString());
        var summary = JsonNode.Parse(read.Out)!.AsObject();
        Assert.Equal(("complete", "Completed", 3L), ((string)summary["device"]!, (string)summary["reason"]!, (long)summary["eventCount"]!));
        Assert.Equal(now + 20, (long)summary["ended"]!);
        var query = await http.GetAsync(new Uri("/devices/open/session", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);
        Assert.Contains("\"sessionId\"", await query.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/devices/nobody/session", UriKind.Relative))).StatusCode);
        var dashboard = await http.GetAsync(new Uri("/dashboard/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("Orleans", await dashboard.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("record rate:", silo.Output, StringComparison.Ordinal);

        Assert.Equal(0, await silo.StopAsync(TimeSpan.FromSeconds(60)));
        Assert.All(ports, port => Assert.False(FreePorts.IsListening(port), $"port {port} is still open after the silo stopped"));
        Assert.Contains("Handed over events[", silo.Output, StringComparison.Ordinal);
    }

    internal static async Task WaitForHealthyAsync(HttpClient http, ChildProcess silo)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(silo.HasExited, $"the silo exited early: {silo.Output}");
            try
            {
                if ((await http.GetAsync(new Uri("/health", UriKind.Relative))).IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        Assert.Fail($"the silo did not become healthy: {silo.Output}");
    }
}
