using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Segmenter.Serialization;
using Segmenter.Streaming.Kafka.Security;

namespace Segmenter.Cli;

/// <summary>
/// Where Kafka and the schema registry are, how to sign in to them (the silo's <c>Kafka:Security</c> and
/// <c>SchemaRegistry:BasicAuthUserInfo</c>), and how long to wait for them before giving up (exit code 3).
/// </summary>
public sealed record ConnectionSettings(string BootstrapServers, string SchemaRegistryUrl, TimeSpan ConnectTimeout)
{
    /// <summary>TLS and SASL for every Kafka client of the command; empty: plaintext.</summary>
    public KafkaSecurityOptions Security { get; init; } = new();

    /// <summary><c>user:password</c> for the registry (HTTP basic authentication); empty: none.</summary>
    public string SchemaRegistryUserInfo { get; init; } = "";

    /// <summary>The registry's address and credentials, as the silo's settings hold them.</summary>
    public SchemaRegistrySettings Registry => new() { Url = SchemaRegistryUrl, BasicAuthUserInfo = SchemaRegistryUserInfo };

    /// <summary>A registry client for this process (it caches schemas and ids).</summary>
    public CachedSchemaRegistryClient CreateRegistryClient() => Registry.CreateClient(ConnectTimeout);

    /// <summary>The bootstrap servers and the security settings on a librdkafka configuration (consumer, producer, admin).</summary>
    public T Kafka<T>(T config) where T : ClientConfig
    {
        ArgumentNullException.ThrowIfNull(config);
        config.BootstrapServers = BootstrapServers;
        Security.ApplyTo(config);
        return config;
    }

    /// <summary><paramref name="text"/> without the Kafka and registry secrets (for messages that repeat a client's error).</summary>
    public string Redact(string text) => Registry.Redact(Security.Redact(text));
}
