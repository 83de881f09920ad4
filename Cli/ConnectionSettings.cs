using Confluent.SchemaRegistry;

namespace Segmenter.Cli;

/// <summary>Where Kafka and the schema registry are, and how long to wait for them before giving up (exit code 3).</summary>
public sealed record ConnectionSettings(string BootstrapServers, string SchemaRegistryUrl, TimeSpan ConnectTimeout)
{
    /// <summary>A registry client for this process (it caches schemas and ids).</summary>
    public CachedSchemaRegistryClient CreateRegistryClient() =>
        new(new SchemaRegistryConfig { Url = SchemaRegistryUrl, RequestTimeoutMs = (int)Math.Max(1_000, ConnectTimeout.TotalMilliseconds) });
}
