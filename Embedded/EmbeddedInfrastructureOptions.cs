using Segmenter.Embedded.Kafka.Security;

namespace Segmenter.Embedded;

/// <summary>What <see cref="EmbeddedInfrastructure"/> starts, and where.</summary>
public sealed class EmbeddedInfrastructureOptions
{
    /// <summary>Start the embedded Kafka (librdkafka's mock cluster).</summary>
    public bool Kafka { get; set; } = true;

    /// <summary>Fixed port of the first broker (the next brokers use the following ports); 0 picks free ports.</summary>
    public int KafkaPort { get; set; } = 9092;

    public int Brokers { get; set; } = 1;

    /// <summary>Topics created at start.</summary>
    public List<string> Topics { get; } = [];

    /// <summary>Partitions of every created topic.</summary>
    public int Partitions { get; set; } = 8;

    /// <summary>TLS and SASL the embedded Kafka requires of its clients (null: plaintext, as the mock itself).</summary>
    public EmbeddedKafkaSecurity? KafkaSecurity { get; set; }

    /// <summary>Start the embedded schema registry.</summary>
    public bool SchemaRegistry { get; set; } = true;

    /// <summary>Port of the schema registry; 0 picks a free port.</summary>
    public int SchemaRegistryPort { get; set; } = 8081;

    /// <summary><c>user:password</c> the schema registry requires (HTTP basic authentication); null or empty: none.</summary>
    public string? SchemaRegistryUserInfo { get; set; }

    /// <summary>Start a local redis-server child process.</summary>
    public bool Redis { get; set; } = true;

    /// <summary>Port of redis-server; 0 picks a free port.</summary>
    public int RedisPort { get; set; } = 6379;

    /// <summary>Where redis-server keeps its append-only file (so state survives a restart of the embedded run).</summary>
    public string DataDirectory { get; set; } = Path.Combine(".data", "redis");
}
