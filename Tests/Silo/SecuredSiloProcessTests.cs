using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Segmenter.Cli;
using Segmenter.Tests.Cli;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Silo;

/// <summary>
/// A silo configured for secured infrastructure, as operators run one: Kafka SASL (SCRAM), registry basic
/// authentication and HTTP basic authentication, every secret from an environment variable. The embedded profile
/// plays the secured Kafka and registry with exactly those credentials, so the silo's clients, the Driver and the
/// Reader all authenticate for real; the dashboard, the query API and the metrics need the HTTP credentials; and no
/// secret appears in anything the programs print.
/// </summary>
public sealed class SecuredSiloProcessTests
{
    private const string KafkaPassword = "Kafka-Pa55-for-segmenter";
    private const string RegistryUserInfo = "registry-key:Registry-S3cret";
    private const string HttpUserInfo = "admin:Http-S3cret";
    private static readonly string SiloDll = RepositoryPaths.Program("Silo", "Segmenter.Silo");

    [Fact]
    public async Task Kafka_registry_and_http_credentials_are_required_used_and_never_printed()
    {
        var ports = FreePorts.Take(6);
        var (kafkaPort, registryPort, redisPort, httpPort, siloPort, gatewayPort) = (ports[0], ports[1], ports[2], ports[3], ports[4], ports[5]);
        var data = Directory.CreateTempSubdirectory("segmenter-secured-silo-").FullName;
        var kafkaEnvironment = new Dictionary<string, string>
        {
            ["Kafka__Security__Protocol"] = "SASL_PLAINTEXT",
            ["Kafka__Security__SaslMechanism"] = "SCRAM-SHA-512",
            ["Kafka__Security__SaslUsername"] = "segmenter",
            ["Kafka__Security__SaslPassword"] = KafkaPassword,
        };
        var environment = new Dictionary<string, string>(kafkaEnvironment)
        {
            ["SchemaRegistry__BasicAuthUserInfo"] = RegistryUserInfo,
            ["Http__BasicAuthUserInfo"] = HttpUserInfo,
        };
        await using var silo = ChildProcess.Start(SiloDll,
        [
            $"--Kafka:BootstrapServers=127.0.0.1:{kafkaPort}", $"--SchemaRegistry:Url=http://127.0.0.1:{registryPort}",
            $"--Embedded:RedisPort={redisPort}", $"--urls=http://127.0.0.1:{httpPort}", $"--Orleans:SiloPort={siloPort}",
            $"--Orleans:GatewayPort={gatewayPort}", $"--Segmenter:DataDirectory={data}", "--Embedded:Partitions=2",
            "--Segmentation:InactivityTimeout=00:01:00", "--Segmenter:StatusInterval=00:00:01",
        ], environment);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(5) };
        await SiloProcessTests.WaitForHealthyAsync(http, silo); // /health stays anonymous, for orchestrators

        foreach (var path in new[] { "/devices/nobody/session", "/dashboard/", "/metrics" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
        using var wrong = Get("/devices/nobody/session", "admin:guess");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);

        var connection = new[] { "--bootstrap", $"127.0.0.1:{kafkaPort}", "--schema-registry", $"http://127.0.0.1:{registryPort}" };
        var events = Path.Combine(data, "events.jsonl");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await File.WriteAllLinesAsync(events,
        [
            $$"""{"device": "secured", "event": "DeviceWokeUp", "timestamp": {{now}}, "seq": 1}""",
            $$"""{"device": "secured", "event": "AllDataReceived", "timestamp": {{now + 20}}, "seq": 2}""",
            $$"""{"device": "open", "event": "DeviceWokeUp", "timestamp": {{now}}, "seq": 1}""",
        ]);
        var cliEnvironment = new Dictionary<string, string>(kafkaEnvironment) { ["SchemaRegistry__BasicAuthUserInfo"] = RegistryUserInfo };
        var replay = await CliRunner.ProcessAsync("Driver", cliEnvironment, [.. connection, "replay", "--file", events, "--topic", "events"]);
        Assert.True(replay.ExitCode == ExitCodes.Success, replay.ToString());

        var read = await CliRunner.ProcessAsync("Reader", cliEnvironment, [.. connection, "--topic", "sessions", "--from-beginning", "--max", "1", "--format", "jsonl"]);
        Assert.True(read.ExitCode == ExitCodes.Success, read.ToString());
        var summary = JsonNode.Parse(read.Out)!.AsObject();
        Assert.Equal(("secured", "Completed"), ((string)summary["device"]!, (string)summary["reason"]!));

        using var query = Get("/devices/open/session", HttpUserInfo);
        var open = await http.SendAsync(query);
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Contains("\"sessionId\"", await open.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var metrics = Get("/metrics", HttpUserInfo);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(metrics)).StatusCode);

        // The same reader without the registry's credentials, then without Kafka's: refused, and told by whom.
        var noRegistry = await CliRunner.ProcessAsync("Reader", kafkaEnvironment, [.. connection, "--topic", "sessions", "--max", "1"]);
        Assert.True(noRegistry.ExitCode == ExitCodes.Unreachable, noRegistry.ToString());
        Assert.Contains("refused the credentials (401 Unauthorized)", noRegistry.Error, StringComparison.Ordinal);
        var noKafka = await CliRunner.ProcessAsync("Reader", new Dictionary<string, string> { ["SchemaRegistry__BasicAuthUserInfo"] = RegistryUserInfo },
            [.. connection, "--topic", "sessions", "--max", "1", "--connect-timeout", "3s"]);
        Assert.True(noKafka.ExitCode == ExitCodes.Unreachable, noKafka.ToString());
        Assert.Contains($"Cannot reach Kafka at 127.0.0.1:{kafkaPort}", noKafka.Error, StringComparison.Ordinal);

        Assert.Equal(0, await silo.StopAsync(TimeSpan.FromSeconds(60)));
        var output = silo.Output;
        Assert.Contains($"Kafka at 127.0.0.1:{kafkaPort}: SASL_PLAINTEXT, SCRAM-SHA-512 as 'segmenter'", output, StringComparison.Ordinal);
        Assert.Contains($"Schema registry at http://127.0.0.1:{registryPort} with basic auth as 'registry-key'", output, StringComparison.Ordinal);
        Assert.Contains("require basic authentication as 'admin' (anonymous: /health)", output, StringComparison.Ordinal);
        foreach (var secret in new[] { KafkaPassword, "Registry-S3cret", "Http-S3cret" })
        {
            foreach (var printed in new[] { output, replay.ToString(), read.ToString(), noRegistry.ToString(), noKafka.ToString() })
                Assert.DoesNotContain(secret, printed, StringComparison.Ordinal);
        }
    }

    private static HttpRequestMessage Get(string path, string userInfo) => new(HttpMethod.Get, new Uri(path, UriKind.Relative))
    {
        Headers = { Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(userInfo))) },
    };
}
