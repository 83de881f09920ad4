using System.Globalization;
using Microsoft.Extensions.Configuration;
using Segmenter.Grains.Hosting;
using Segmenter.Grains.Segmentation;
using Segmenter.Streaming.EventHubs;
using Segmenter.Streaming.Kafka;

namespace Segmenter.Silo.Configuration;

/// <summary>
/// Every setting the silo reads, bound and checked before anything starts, so that a wrong value stops the silo at
/// once with a message naming the setting (and not halfway through start-up).
/// </summary>
public sealed class SiloConfiguration
{
    public SegmenterHostSettings Host { get; } = new();
    public OrleansSettings Orleans { get; } = new();
    public KafkaStreamOptions Kafka { get; } = new();
    public EventHubsSettings EventHubs { get; } = new();
    public EmbeddedSettings Embedded { get; } = new();
    public TelemetrySettings Telemetry { get; } = new();
    public SegmentationOptions Rules { get; } = new();
    public SegmenterOptions Segmenter { get; } = new();
    public string SchemaRegistryUrl { get; set; } = "";
    public string RedisConnectionString { get; set; } = "";
    public SiloProfile Profile { get; private set; }
    public InputTransport Transport { get; private set; }

    /// <summary>Reads and validates; <paramref name="problems"/> lists every wrong setting (empty when all is well).</summary>
    public static SiloConfiguration Read(IConfiguration configuration, out IReadOnlyList<string> problems)
    {
        var config = new SiloConfiguration();
        var found = new List<string>();
        Bind(configuration, "Segmenter", config.Host, found);
        Bind(configuration, "Orleans", config.Orleans, found);
        Bind(configuration, "Kafka", config.Kafka, found);
        Bind(configuration, EventHubsSettings.SectionName, config.EventHubs, found);
        Bind(configuration, "Embedded", config.Embedded, found);
        Bind(configuration, TelemetrySettings.SectionName, config.Telemetry, found);
        Bind(configuration, SegmentationOptions.SectionName, config.Rules, found);
        Bind(configuration, SegmenterOptions.SectionName, config.Segmenter, found);
        config.SchemaRegistryUrl = configuration["SchemaRegistry:Url"] ?? "";
        config.RedisConnectionString = configuration["Redis:ConnectionString"] ?? "";

        if (Enum.TryParse<SiloProfile>(config.Host.Profile, ignoreCase: true, out var profile) && Enum.IsDefined(profile))
            config.Profile = profile;
        else
            found.Add($"Segmenter:Profile must be 'embedded' or 'cluster' (got '{config.Host.Profile}').");
        if (Enum.TryParse<InputTransport>(config.Host.Transport, ignoreCase: true, out var transport) && Enum.IsDefined(transport))
            config.Transport = transport;
        else
            found.Add($"Segmenter:Transport must be 'kafka' or 'eventhubs' (got '{config.Host.Transport}').");

        found.AddRange(config.Rules.Validate());
        found.AddRange(config.Segmenter.Validate());
        if (config.Transport == InputTransport.EventHubs)
        {
            // Event Hubs replaces Kafka entirely (input and outputs); the Kafka settings are not read.
            found.AddRange(config.EventHubs.Validate());
            if (config.Profile == SiloProfile.Embedded)
                found.Add("Segmenter:Transport 'eventhubs' needs Segmenter:Profile=cluster: the embedded profile runs its infrastructure on this machine, and there is no embedded Event Hubs.");
        }
        else
        {
            if (string.IsNullOrWhiteSpace(config.Kafka.BootstrapServers))
                found.Add("Kafka:BootstrapServers is required (e.g. '127.0.0.1:9092').");
            if (string.IsNullOrWhiteSpace(config.Kafka.ConsumerGroupId))
                found.Add("Kafka:ConsumerGroupId is required (e.g. 'segmenter').");
        }

        if (!Uri.TryCreate(config.SchemaRegistryUrl, UriKind.Absolute, out var registry) || registry.Scheme is not ("http" or "https"))
            found.Add($"SchemaRegistry:Url must be an http(s) address (got '{config.SchemaRegistryUrl}').");
        if (config.Profile == SiloProfile.Cluster && string.IsNullOrWhiteSpace(config.RedisConnectionString))
            found.Add("Redis:ConnectionString is required in the cluster profile (clustering, state and reminders live in Redis).");
        if (config.Embedded.Partitions < 1)
            found.Add($"Embedded:Partitions must be at least 1 (got {config.Embedded.Partitions}).");
        foreach (var (name, port) in new[] { ("Orleans:SiloPort", config.Orleans.SiloPort), ("Orleans:GatewayPort", config.Orleans.GatewayPort), ("Embedded:RedisPort", config.Embedded.RedisPort) })
        {
            if (port is < 1 or > 65535)
                found.Add(string.Create(CultureInfo.InvariantCulture, $"{name} must be a port number (got {port})."));
        }

        found.AddRange(config.Telemetry.Validate(configuration));
        if (config.Host.StatusInterval < TimeSpan.Zero)
            found.Add($"Segmenter:StatusInterval must not be negative (got {config.Host.StatusInterval}).");
        problems = found;
        return config;
    }

    /// <summary>The port of the first broker in <c>Kafka:BootstrapServers</c> (where the embedded Kafka listens).</summary>
    public int KafkaPort() =>
        int.TryParse(Kafka.BootstrapServers.Split(',')[0].Split(':')[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : 9092;

    public int SchemaRegistryPort() => new Uri(SchemaRegistryUrl).Port;

    private static void Bind(IConfiguration configuration, string section, object target, List<string> problems)
    {
        try
        {
            configuration.GetSection(section).Bind(target);
        }
        catch (InvalidOperationException e)
        {
            // The binder names the setting and the value it could not convert.
            problems.Add(e.Message);
        }
    }
}
