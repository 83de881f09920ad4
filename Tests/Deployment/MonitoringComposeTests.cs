using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Segmenter.Silo.Monitoring;
using Segmenter.Tests.Infrastructure;
using Segmenter.Tests.Monitoring;
using YamlDotNet.RepresentationModel;

namespace Segmenter.Tests.Deployment;

/// <summary>
/// Prometheus and Grafana in docker-compose.yml, checked without Docker: pinned images, a Prometheus configuration
/// that parses and scrapes every silo replica where the silo serves its metrics, a provisioned datasource and
/// dashboard, and dashboard queries that name only metrics a real silo serves (<see cref="ExportedMetrics"/>, which
/// <c>MetricsEndpointTests</c> checks against a scrape).
/// </summary>
public sealed partial class MonitoringComposeTests
{
    private static readonly YamlMappingNode Services = LoadServices();

    [Theory]
    [InlineData("prometheus")]
    [InlineData("grafana")]
    public void The_service_exists_with_an_image_pinned_to_a_release(string service)
    {
        var image = Scalar(Service(service), "image");
        Assert.Matches(PinnedImage(), image);
    }

    [Fact]
    public void Prometheus_reads_a_configuration_that_parses_and_scrapes_every_silo_replica_at_its_http_port_and_metrics_path()
    {
        var config = PrometheusConfig();
        var silo = Environment("silo");
        var httpPort = new Uri(silo["ASPNETCORE_URLS"].Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port;

        var jobs = ((YamlSequenceNode)config["scrape_configs"]).Children.Cast<YamlMappingNode>().ToList();
        var job = Assert.Single(jobs, j => j.Children.ContainsKey("dns_sd_configs"));
        Assert.Equal(SiloTelemetry.ScrapePath, Scalar(job, "metrics_path"));
        var discovery = (YamlMappingNode)Assert.Single(((YamlSequenceNode)job["dns_sd_configs"]).Children);
        // Docker's DNS answers a service name with one A record per replica: every silo of --scale is a target.
        Assert.Equal(["silo"], ((YamlSequenceNode)discovery["names"]).Children.Select(n => n.ToString()));
        Assert.Equal("A", Scalar(discovery, "type"));
        Assert.Equal(httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), Scalar(discovery, "port"));
        Assert.DoesNotContain("static_configs", job.Children.Keys.Select(k => k.ToString())); // one fixed address would miss replicas
    }

    [Fact]
    public void Grafana_is_provisioned_with_the_compose_Prometheus_as_datasource_and_loads_the_dashboard_folder()
    {
        var provisioning = HostPathMountedAt("grafana", "/etc/grafana/provisioning");
        var datasources = LoadYaml(Directory.GetFiles(Path.Combine(provisioning, "datasources"), "*.yml").Single());
        var datasource = (YamlMappingNode)Assert.Single(((YamlSequenceNode)datasources["datasources"]).Children);
        Assert.Equal("prometheus", Scalar(datasource, "type"));
        var url = new Uri(Scalar(datasource, "url"));
        Assert.Equal("prometheus", url.Host);
        Assert.Contains(((YamlSequenceNode)Service("prometheus")["ports"]).Children, p => p.ToString().EndsWith($":{url.Port}", StringComparison.Ordinal));

        var providers = LoadYaml(Directory.GetFiles(Path.Combine(provisioning, "dashboards"), "*.yml").Single());
        var provider = (YamlMappingNode)Assert.Single(((YamlSequenceNode)providers["providers"]).Children);
        var dashboardsInContainer = Scalar((YamlMappingNode)provider["options"], "path");
        var dashboards = HostPathMountedAt("grafana", dashboardsInContainer);
        Assert.True(File.Exists(Path.Combine(dashboards, "segmenter.json")), $"{dashboards}/segmenter.json is missing");

        foreach (var panel in Panels())
            Assert.Equal(Scalar(datasource, "uid"), (string?)panel["datasource"]?["uid"]);
    }

    [Fact]
    public void Every_dashboard_query_names_only_metrics_the_silo_exports()
    {
        foreach (var panel in Panels())
        {
            var title = (string)panel["title"]!;
            var expressions = ((JsonArray)panel["targets"]!).Select(t => (string)t!["expr"]!).ToList();
            Assert.NotEmpty(expressions);
            foreach (var expression in expressions)
            {
                var metrics = MetricNames(expression);
                Assert.True(metrics.Count > 0, $"panel '{title}': no metric in {expression}");
                foreach (var metric in metrics)
                    Assert.True(ExportedMetrics.SeriesNames.Contains(metric), $"panel '{title}' queries {metric}, which the silo does not export ({expression})");
            }
        }
    }

    [Theory]
    [InlineData("lag per partition", @"^max by \(topic, partition\) \(kafka_stream_partition_lag\)$")]
    [InlineData("stalled partitions", @"^max by \(topic, partition\) \(kafka_stream_partition_stalled\)$")]
    [InlineData("records in per second", @"^sum by \(topic\) \(rate\(kafka_stream_records_consumed_total\[\$__rate_interval\]\)\)$")]
    [InlineData("records out per second", @"^sum by \(topic\) \(rate\(kafka_stream_records_produced_total\[\$__rate_interval\]\)\)$")]
    [InlineData("dead letters by kind", @"^sum by \(kind\) \(increase\(kafka_stream_records_dead_lettered_total\[\$__rate_interval\]\)\)$")]
    [InlineData("sessions closed per second by reason", @"^sum by \(reason\) \(rate\(segmenter_sessions_closed_total\[\$__rate_interval\]\)\)$")]
    [InlineData("delivery latency p50", @"^histogram_quantile\(0\.5, sum by \(le\) \(rate\(segmenter_delivery_duration_milliseconds_bucket\[\$__rate_interval\]\)\)\)$")]
    [InlineData("delivery latency p99", @"^histogram_quantile\(0\.99, sum by \(le\) \(rate\(segmenter_delivery_duration_milliseconds_bucket\[\$__rate_interval\]\)\)\)$")]
    [InlineData("Redis write latency p99", @"^histogram_quantile\(0\.99, sum by \(le\) \(rate\(segmenter_redis_write_duration_milliseconds_bucket\[\$__rate_interval\]\)\)\)$")]
    public void The_dashboard_shows_the_figures_operators_need(string figure, string query)
    {
        var expressions = Panels().SelectMany(p => ((JsonArray)p["targets"]!).Select(t => (string)t!["expr"]!));
        Assert.True(expressions.Any(e => Regex.IsMatch(e, query)), $"no panel shows {figure} ({query})");
    }

    [Theory]
    [InlineData("sum by (kind) (increase(kafka_stream_records_dead_lettered_total{topic=\"events\"}[$__rate_interval]))", "kafka_stream_records_dead_lettered_total")]
    [InlineData("histogram_quantile(0.99, sum by (le) (rate(a_bucket[5m]))) / on (instance) group_left b", "a_bucket b")]
    [InlineData("max without (instance) (x) > bool 0 and y", "x y")]
    public void Metric_names_are_found_in_queries(string expression, string names)
    {
        Assert.Equal(names.Split(' '), MetricNames(expression));
    }

    /// <summary>
    /// The metric names in a PromQL expression: identifiers that are not functions, keywords, label names (inside
    /// braces or grouping clauses) or durations (inside brackets).
    /// </summary>
    private static List<string> MetricNames(string expression)
    {
        var bare = Quoted().Replace(expression, " ");
        bare = Braces().Replace(bare, " ");
        bare = Brackets().Replace(bare, " ");
        bare = Grouping().Replace(bare, " ");
        return [.. Identifier().Matches(bare).Select(m => m.Value).Where(n => !Keywords.Contains(n))];
    }

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "and", "or", "unless", "atan2",
    };

    private static List<JsonNode> Panels()
    {
        var dashboards = HostPathMountedAt("grafana", "/var/lib/grafana/dashboards");
        var dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(dashboards, "segmenter.json")))!;
        var panels = ((JsonArray)dashboard["panels"]!).Select(p => p!).ToList();
        Assert.NotEmpty(panels);
        return panels;
    }

    private static YamlMappingNode PrometheusConfig()
    {
        var prometheus = Service("prometheus");
        var command = ((YamlSequenceNode)prometheus["command"]).Children.Select(c => c.ToString()).ToList();
        var configFile = command.Single(c => c.StartsWith("--config.file=", StringComparison.Ordinal))["--config.file=".Length..];
        return LoadYaml(HostPathMountedAt("prometheus", configFile));
    }

    /// <summary>The repository path a service's bind mount puts at <paramref name="containerPath"/> (it must exist).</summary>
    private static string HostPathMountedAt(string service, string containerPath)
    {
        foreach (var volume in ((YamlSequenceNode)Service(service)["volumes"]).Children.Select(v => v.ToString()))
        {
            var parts = volume.Split(':');
            if (parts[1] == containerPath)
            {
                var host = Path.GetFullPath(Path.Combine(RepositoryPaths.Root, parts[0]));
                Assert.True(Path.Exists(host), $"{service} mounts {parts[0]}, which does not exist");
                return host;
            }
        }

        throw new Xunit.Sdk.XunitException($"{service} mounts nothing at {containerPath}");
    }

    private static YamlMappingNode Service(string name) =>
        Services.Children.TryGetValue(name, out var service) ? (YamlMappingNode)service : throw new Xunit.Sdk.XunitException($"docker-compose.yml has no service {name}");

    private static Dictionary<string, string> Environment(string service) =>
        ((YamlMappingNode)Service(service)["environment"]).Children.ToDictionary(e => e.Key.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);

    private static string Scalar(YamlMappingNode node, string key) => node.Children.TryGetValue(key, out var value) ? value.ToString() : "";

    private static YamlMappingNode LoadYaml(string path)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(path);
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static YamlMappingNode LoadServices() =>
        (YamlMappingNode)LoadYaml(Path.Combine(RepositoryPaths.Root, "docker-compose.yml"))["services"];

    /// <summary>A registry name and a release tag (v1.2.3 or 1.2.3): never latest, never a moving major tag.</summary>
    [GeneratedRegex(@"^[a-z0-9./_-]+:v?\d+\.\d+\.\d+$")]
    private static partial Regex PinnedImage();

    [GeneratedRegex(@"""(\\.|[^""\\])*""|'(\\.|[^'\\])*'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    /// <summary>An identifier not followed by an opening parenthesis (those are functions and aggregations).</summary>
    [GeneratedRegex(@"(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*(?![\w:]|\s*\()")]
    private static partial Regex Identifier();
}
