using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Segmenter.Silo.Configuration;
using Segmenter.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Segmenter.Tests.Deployment;

/// <summary>
/// No Docker engine runs here, so docker-compose.yml cannot be started in CI. These tests keep it honest instead:
/// the file parses, every image is built from stages and files that exist, and every setting it passes to the silo is
/// a real setting that the silo accepts, pointing at the services the file defines.
/// </summary>
public sealed partial class ComposeFileTests
{
    private static readonly YamlMappingNode Services = LoadServices();
    private static readonly string Dockerfile = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Dockerfile"));

    [Fact]
    public void It_has_kafka_in_KRaft_mode_a_schema_registry_redis_the_silo_the_driver_and_the_reader()
    {
        var names = Services.Children.Keys.Select(k => k.ToString()).ToList();
        Assert.Subset(names.ToHashSet(), new HashSet<string> { "kafka", "schema-registry", "redis", "silo", "driver", "reader" });
        Assert.DoesNotContain(names, n => n.Contains("zookeeper", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("broker,controller", Environment("kafka")["KAFKA_PROCESS_ROLES"]);
    }

    [Fact]
    public void Every_service_has_an_image_or_a_build_from_an_existing_context_and_Dockerfile_stage()
    {
        foreach (var (name, service) in Services.Children.Select(c => (c.Key.ToString(), (YamlMappingNode)c.Value)))
        {
            if (service.Children.TryGetValue("build", out var build))
            {
                var context = Scalar((YamlMappingNode)build, "context");
                Assert.True(Directory.Exists(Path.Combine(RepositoryPaths.Root, context)), $"{name}: build context {context} is missing");
                var target = Scalar((YamlMappingNode)build, "target");
                Assert.Matches(new Regex($@"(?m)^FROM .+ AS {Regex.Escape(target)}\s*$"), Dockerfile);
            }
            else
            {
                Assert.Matches(ImageName(), Scalar(service, "image"));
            }
        }
    }

    [Fact]
    public void The_Dockerfile_copies_only_what_exists_and_runs_as_a_non_root_user()
    {
        foreach (Match copy in CopyLine().Matches(Dockerfile))
        {
            foreach (var source in copy.Groups["sources"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                Assert.True(Path.Exists(Path.Combine(RepositoryPaths.Root, source)), $"Dockerfile copies {source}, which does not exist");
        }

        Assert.Matches(new Regex(@"(?m)^USER (?!root)\w+"), Dockerfile);
    }

    [Fact]
    public void The_silo_settings_are_real_settings_the_silo_accepts()
    {
        var environment = Environment("silo");
        var known = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryPaths.Root, "Silo", "appsettings.json")).Build()
            .AsEnumerable().Select(p => p.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var key in environment.Keys.Where(k => k != "ASPNETCORE_URLS"))
            Assert.True(known.Contains(key.Replace("__", ":", StringComparison.Ordinal)), $"silo setting {key} is not a setting of the silo (Silo/appsettings.json)");

        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryPaths.Root, "Silo", "appsettings.json"))
            .AddInMemoryCollection(environment.ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => (string?)e.Value))
            .Build();
        SiloConfiguration.Read(configuration, out var problems);
        Assert.Empty(problems);
    }

    [Fact]
    public void The_silo_points_at_the_services_of_the_file_and_publishes_its_http_port()
    {
        var silo = Environment("silo");
        var advertised = Environment("kafka")["KAFKA_ADVERTISED_LISTENERS"];
        Assert.Contains(silo["Kafka__BootstrapServers"], advertised, StringComparison.Ordinal);
        var registryPort = new Uri(Environment("schema-registry")["SCHEMA_REGISTRY_LISTENERS"]).Port;
        Assert.Equal(new Uri($"http://schema-registry:{registryPort}"), new Uri(silo["SchemaRegistry__Url"]));
        Assert.StartsWith("redis:", silo["Redis__ConnectionString"], StringComparison.Ordinal);
        Assert.Equal("cluster", silo["Segmenter__Profile"]);

        var httpPort = new Uri(silo["ASPNETCORE_URLS"].Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port;
        var ports = ((YamlSequenceNode)((YamlMappingNode)Services["silo"])["ports"]).Children.Select(p => p.ToString()).ToList();
        Assert.Contains(ports, p => p.EndsWith($":{httpPort}", StringComparison.Ordinal));
        Assert.DoesNotContain("container_name", ((YamlMappingNode)Services["silo"]).Children.Keys.Select(k => k.ToString())); // --scale needs anonymous containers
    }

    [Fact]
    public void The_topics_created_are_the_topics_the_silo_uses()
    {
        var init = ((YamlSequenceNode)((YamlMappingNode)Services["kafka-init"])["command"]).Children[0].ToString();
        var defaults = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryPaths.Root, "Silo", "appsettings.json")).Build();
        var words = init.Split([' ', '\n', ';'], StringSplitOptions.RemoveEmptyEntries);
        foreach (var topic in new[] { "EventsTopic", "SessionEventsTopic", "SessionsTopic", "DeadLetterTopic" })
            Assert.Contains(defaults[$"Segmentation:{topic}"], words);
    }

    [Theory]
    [InlineData("driver", "Driver", "Segmenter.Driver")]
    [InlineData("reader", "Reader", "Segmenter.Reader")]
    public async Task The_driver_and_reader_commands_use_options_their_programs_have(string service, string project, string assembly)
    {
        var command = ((YamlSequenceNode)((YamlMappingNode)Services[service])["command"]).Children.Select(c => c.ToString()).ToList();
        var verb = command[0].StartsWith('-') ? "" : command[0];
        await using var program = ChildProcess.Start(RepositoryPaths.Program(project, assembly), verb.Length > 0 ? [verb, "--help"] : ["--help"]);
        Assert.Equal(0, await program.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        foreach (var option in command.Where(c => c.StartsWith("--", StringComparison.Ordinal)))
            Assert.Contains(option, program.Output, StringComparison.Ordinal);
        Assert.Contains("kafka:9092", command);
    }

    private static Dictionary<string, string> Environment(string service) =>
        ((YamlMappingNode)((YamlMappingNode)Services[service])["environment"]).Children
            .ToDictionary(e => e.Key.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);

    private static string Scalar(YamlMappingNode node, string key) => node.Children.TryGetValue(key, out var value) ? value.ToString() : "";

    private static YamlMappingNode LoadServices()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(RepositoryPaths.Root, "docker-compose.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
    }

    [GeneratedRegex(@"^[a-z0-9./_-]+:[A-Za-z0-9._-]+$")]
    private static partial Regex ImageName();

    [GeneratedRegex(@"(?m)^COPY (?!--from)(?<sources>.+?) \S+$")]
    private static partial Regex CopyLine();
}
