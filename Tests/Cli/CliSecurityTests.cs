using System.Text.Json.Nodes;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Segmenter.Cli;
using Segmenter.Embedded.Kafka;
using Segmenter.Embedded.Kafka.Security;
using Segmenter.Embedded.SchemaRegistry;

namespace Segmenter.Tests.Cli;

/// <summary>
/// The Driver and Reader against a secured cluster and registry (the embedded Kafka behind SASL SCRAM, the embedded
/// registry behind basic authentication): with the credentials they produce and read; without, or with wrong ones, they
/// stop with exit code 3 and a message naming what refused them, and never print a secret.
/// </summary>
public sealed class CliSecurityTests : IAsyncLifetime
{
    private const string KafkaUser = "cli";
    private const string KafkaPassword = "kafka-Pa55-word";
    private const string RegistryUserInfo = "registry-key:registry-S3cret";
    private EmbeddedKafkaCluster? _kafka;
    private EmbeddedSchemaRegistry? _registry;

    private EmbeddedKafkaCluster Kafka => _kafka!;

    private EmbeddedSchemaRegistry Registry => _registry!;

    public async Task InitializeAsync()
    {
        _kafka = EmbeddedKafkaCluster.Start(new EmbeddedKafkaOptions
        {
            Security = new EmbeddedKafkaSecurity { Users = new Dictionary<string, string> { [KafkaUser] = KafkaPassword } },
        });
        _kafka.CreateTopic("events", 2);
        _registry = await EmbeddedSchemaRegistry.StartAsync(0, RegistryUserInfo);
    }

    public async Task DisposeAsync()
    {
        if (_registry is not null)
            await _registry.DisposeAsync();
        if (_kafka is not null)
            await _kafka.DisposeAsync();
    }

    [Fact]
    public async Task With_the_credentials_the_driver_produces_and_the_reader_reads_through_the_secured_registry()
    {
        var file = await EventsFileAsync();

        var replay = await CliRunner.DriverAsync([.. Secured(), "replay", "--file", file]);
        Assert.True(replay.ExitCode == ExitCodes.Success, replay.ToString());

        var read = await CliRunner.ReaderAsync([.. Secured(), "--topic", "events", "--from-beginning", "--max", "2", "--format", "jsonl"]);
        Assert.True(read.ExitCode == ExitCodes.Success, read.ToString());
        var lines = read.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(["secure-device", "secure-device"], lines.Select(l => (string)l["device"]!));
        AssertNoSecret(replay, read);
    }

    [Fact]
    public async Task A_wrong_kafka_password_ends_with_exit_code_3_and_the_authentication_failure()
    {
        var file = await EventsFileAsync();
        string[] wrong = ["--bootstrap", Kafka.BootstrapServers, "--schema-registry", Registry.Url, "--schema-registry-user-info", RegistryUserInfo,
            "--security-protocol", "SASL_PLAINTEXT", "--sasl-mechanism", "SCRAM-SHA-256", "--sasl-username", KafkaUser, "--sasl-password", "Wr0ng-secret"];

        var replay = await CliRunner.DriverAsync([.. wrong, "replay", "--file", file]);

        Assert.True(replay.ExitCode == ExitCodes.Unreachable, replay.ToString());
        Assert.Contains($"Cannot reach Kafka at {Kafka.BootstrapServers}", replay.Error, StringComparison.Ordinal);
        Assert.Contains("Authentication failed", replay.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Wr0ng-secret", replay.Error + replay.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_registry_credentials_the_commands_say_the_registry_requires_them()
    {
        string[] noRegistryCredentials = [.. KafkaOnly(), "--schema-registry", Registry.Url];

        var read = await CliRunner.ReaderAsync([.. noRegistryCredentials, "--topic", "events", "--from-beginning", "--max", "1"]);
        Assert.True(read.ExitCode == ExitCodes.Unreachable, read.ToString());
        Assert.Contains($"The schema registry at {Registry.Url} refused the credentials (401 Unauthorized): it requires authentication", read.Error, StringComparison.Ordinal);

        var wrong = await CliRunner.ReaderAsync([.. noRegistryCredentials, "--schema-registry-user-info", "registry-key:not-it", "--topic", "events", "--max", "1"]);
        Assert.True(wrong.ExitCode == ExitCodes.Unreachable, wrong.ToString());
        Assert.Contains("check the password of 'registry-key'", wrong.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-it", wrong.Error + wrong.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Security_options_that_do_not_fit_together_are_usage_errors_naming_what_is_missing()
    {
        var read = await CliRunner.ReaderAsync(["--bootstrap", Kafka.BootstrapServers, "--security-protocol", "SASL_SSL", "--sasl-password", "lonely-secret", "--topic", "events"]);

        Assert.True(read.ExitCode == ExitCodes.Usage, read.ToString());
        Assert.Contains("Kafka:Security:SaslMechanism is required with Protocol SASL_SSL", read.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("lonely-secret", read.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_silos_environment_variables_configure_the_clis_and_options_override_them()
    {
        var environment = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            // What Kafka__Security__... and SchemaRegistry__BasicAuthUserInfo become in configuration.
            ["Kafka:Security:Protocol"] = "SASL_SSL",
            ["Kafka:Security:SaslMechanism"] = "PLAIN",
            ["Kafka:Security:SaslUsername"] = "$ConnectionString",
            ["Kafka:Security:SaslPassword"] = "Endpoint=sb://example/;SharedAccessKey=abc",
            ["SchemaRegistry:BasicAuthUserInfo"] = "key:secret",
        }).Build();
        var options = new ConnectionOptions(environment);
        var root = new System.CommandLine.RootCommand();
        options.AddTo(root);

        var fromEnvironment = options.Read(root.Parse([]));
        var overridden = options.Read(root.Parse(["--sasl-username", "other", "--schema-registry-user-info", "k2:s2"]));

        Assert.Equal(("SASL_SSL", "PLAIN", "$ConnectionString", "key:secret"),
            (fromEnvironment.Security.Protocol, fromEnvironment.Security.SaslMechanism, fromEnvironment.Security.SaslUsername, fromEnvironment.SchemaRegistryUserInfo));
        Assert.Equal(("other", "Endpoint=sb://example/;SharedAccessKey=abc", "k2:s2"),
            (overridden.Security.SaslUsername, overridden.Security.SaslPassword, overridden.SchemaRegistryUserInfo));
        var config = overridden.Kafka(new ProducerConfig());
        Assert.Equal("sasl_ssl", config.Single(p => p.Key == "security.protocol").Value);
        Assert.Equal("*** and ***", overridden.Redact("Endpoint=sb://example/;SharedAccessKey=abc and s2"));
    }

    private string[] KafkaOnly() =>
    [
        "--bootstrap", Kafka.BootstrapServers, "--security-protocol", "SASL_PLAINTEXT", "--sasl-mechanism", "SCRAM-SHA-256",
        "--sasl-username", KafkaUser, "--sasl-password", KafkaPassword,
    ];

    private string[] Secured() => [.. KafkaOnly(), "--schema-registry", Registry.Url, "--schema-registry-user-info", RegistryUserInfo];

    private static async Task<string> EventsFileAsync()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("segmenter-cli-secure-").FullName, "events.jsonl");
        await File.WriteAllLinesAsync(file,
        [
            """{"device": "secure-device", "event": "DeviceWokeUp", "timestamp": 1767225600000, "seq": 1}""",
            """{"device": "secure-device", "event": "AllDataReceived", "timestamp": 1767225600010, "seq": 2}""",
        ]);
        return file;
    }

    private static void AssertNoSecret(params CliResult[] results)
    {
        foreach (var result in results)
        {
            foreach (var secret in new[] { KafkaPassword, "registry-S3cret" })
                Assert.DoesNotContain(secret, result.Out + result.Error, StringComparison.Ordinal);
        }
    }
}
