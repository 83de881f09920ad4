using System.Globalization;
using Microsoft.Extensions.Configuration;
using Segmenter.Grains.Options;
using Segmenter.Hosting;
using Segmenter.Hosting.Kafka;
using Segmenter.Serialization;
using Segmenter.Streaming.EventHubs;
using Segmenter.Streaming.Kafka;
using Segmenter.Streaming.Kafka.Security;

namespace Segmenter.Silo.Configuration;

/// <summary>
/// Every setting the silo reads, bound and checked before anything starts, so that a wrong value stops the silo at
/// once with a message naming the setting (and not halfway through start-up). Each section is bound into one type, and
/// the settings the libraries own are checked by their own validators (<see cref="SegmenterOptionsValidator"/>,
/// <see cref="KafkaStreamOptionsValidator"/>, <see cref="EventHubsSettingsValidator"/>), so their rules live once; what
/// is checked here is the host's own settings and how they combine.
/// </summary>
public sealed class SiloConfiguration
{
    /// <summary>The section bound into <see cref="Kafka"/> here and into the provider's options by the silo.</summary>
    public const string KafkaSectionName = "Kafka";

    public SegmenterHostSettings Host { get; } = new();
    public OrleansSettings Orleans { get; } = new();
    public KafkaStreamOptions Kafka { get; } = new();
    public EventHubsSettings EventHubs { get; } = new();
    public EmbeddedSettings Embedded { get; } = new();
    public TelemetrySettings Telemetry { get; } = new();
    public SegmenterOptions Segmenter { get; } = new();
    public SchemaRegistrySettings SchemaRegistry { get; } = new();
    public HttpSettings Http { get; } = new();
    public string SchemaRegistryUrl => SchemaRegistry.Url;
    public string RedisConnectionString { get; set; } = "";
    public SiloProfile Profile { get; private set; }
    public InputTransport Transport { get; private set; }

    /// <summary>Reads and validates; <paramref name="problems"/> lists every wrong setting (empty when all is well).</summary>
    public static SiloConfiguration Read(IConfiguration configuration, out IReadOnlyList<string> problems)
    {
        var config = new SiloConfiguration();
        var found = new List<string>();
        Bind(configuration, SegmenterHostSettings.SectionName, config.Host, found);
        Bind(configuration, OrleansSettings.SectionName, config.Orleans, found);
        Bind(configuration, KafkaSectionName, config.Kafka, found);
        Bind(configuration, EventHubsSettings.SectionName, config.EventHubs, found);
        Bind(configuration, EmbeddedSettings.SectionName, config.Embedded, found);
        Bind(configuration, TelemetrySettings.SectionName, config.Telemetry, found);
        Bind(() => SegmenterConfiguration.Bind(configuration, config.Segmenter), found);
        Bind(configuration, SchemaRegistrySettings.SectionName, config.SchemaRegistry, found);
        Bind(configuration, HttpSettings.SectionName, config.Http, found);
        config.RedisConnectionString = configuration["Redis:ConnectionString"] ?? "";

        found.AddRange(SegmenterHostSettingsValidator.Problems(config.Host));
        config.Profile = config.Host.ParsedProfile ?? default;
        config.Transport = config.Host.ParsedTransport ?? default;

        var segmentation = SegmenterOptionsValidator.Problems(config.Segmenter);
        found.AddRange(segmentation);
        if (config.Transport == InputTransport.EventHubs)
        {
            // Event Hubs replaces Kafka entirely (input and outputs); the Kafka settings are not read.
            found.AddRange(EventHubsSettingsValidator.Problems(config.EventHubs));
            if (config.Profile == SiloProfile.Embedded)
                found.Add("Segmenter:Transport 'eventhubs' needs Segmenter:Profile=cluster: the embedded profile runs its infrastructure on this machine, and there is no embedded Event Hubs.");
        }
        else
        {
            // The provider's own rules, on the options as the silo will hand them to it (with Segmenter's topics), named
            // as configuration keys. The provider checks them again when Orleans starts: the same rules, nothing else.
            // Topics that Segmentation refuses cannot be added (a blank name throws): the default topics stand in for
            // them, so that the provider's rules that depend on topics being read (a consumer group) still run, and its
            // problems never repeat Segmentation's. The silo does not start with problems, so the stand-ins never run.
            SegmenterKafkaTopics.Apply(config.Kafka, segmentation.Count == 0 ? config.Segmenter : new SegmenterOptions());
            found.AddRange(KafkaStreamOptionsValidator.ValidateSection(config.Kafka, KafkaSectionName));
            if (config.Profile == SiloProfile.Embedded && config.Embedded.Kafka)
                found.AddRange(EmbeddedKafkaSecurityProblems(config.Kafka.Security));
        }

        found.AddRange(SchemaRegistrySettingsValidator.Problems(config.SchemaRegistry));
        found.AddRange(HttpSettingsValidator.Problems(config.Http));
        if (config.Profile == SiloProfile.Cluster && string.IsNullOrWhiteSpace(config.RedisConnectionString))
            found.Add("Redis:ConnectionString is required in the cluster profile (clustering, state and reminders live in Redis).");
        found.AddRange(OrleansSettingsValidator.Problems(config.Orleans));
        found.AddRange(EmbeddedSettingsValidator.Problems(config.Embedded));
        found.AddRange(TelemetrySettingsValidator.Problems(config.Telemetry, configuration));
        config.Telemetry.DecideOtlp(configuration);
        problems = found;
        return config;
    }

    /// <summary>
    /// The embedded Kafka plays a secured cluster with the configured credentials, but only as far as it can: SASL PLAIN
    /// or SCRAM without TLS (it has no certificate the clients would trust, and no identity provider for OAUTHBEARER).
    /// </summary>
    private static IEnumerable<string> EmbeddedKafkaSecurityProblems(KafkaSecurityOptions security)
    {
        if (!security.IsConfigured || security.ParsedProtocol is not { } protocol)
            yield break;
        const string alternatives = "or set Embedded:Kafka=false and Kafka:BootstrapServers to a real cluster.";
        if (protocol is Confluent.Kafka.SecurityProtocol.Ssl or Confluent.Kafka.SecurityProtocol.SaslSsl)
            yield return $"Kafka:Security:Protocol {KafkaSecurityOptions.Name(protocol)} cannot be served by the embedded Kafka (Embedded:Kafka=true), which has no certificate your clients trust: use SASL_PLAINTEXT to try SASL against it, {alternatives}";
        else if (security.ParsedSaslMechanism is Confluent.Kafka.SaslMechanism.OAuthBearer)
            yield return $"Kafka:Security:SaslMechanism OAUTHBEARER cannot be served by the embedded Kafka (Embedded:Kafka=true), which has no identity provider: use PLAIN or SCRAM-SHA-256/512 against it, {alternatives}";
    }

    /// <summary>The port of the first broker in <c>Kafka:BootstrapServers</c> (where the embedded Kafka listens).</summary>
    public int KafkaPort() =>
        int.TryParse(Kafka.BootstrapServers.Split(',')[0].Split(':')[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : 9092;

    public int SchemaRegistryPort() => new Uri(SchemaRegistryUrl).Port;

    private static void Bind(IConfiguration configuration, string section, object target, List<string> problems) =>
        Bind(() => configuration.GetSection(section).Bind(target), problems);

    private static void Bind(Action bind, List<string> problems)
    {
        try
        {
            bind();
        }
        catch (InvalidOperationException e)
        {
            // The binder names the setting and the value it could not convert.
            problems.Add(e.Message);
        }
    }
}
