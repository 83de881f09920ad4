namespace Segmenter.Silo.Configuration;

/// <summary>Section <c>Embedded</c>: what the embedded profile starts itself (checked by <see cref="EmbeddedSettingsValidator"/>).</summary>
public sealed class EmbeddedSettings
{
    public const string SectionName = "Embedded";

    /// <summary>Start the embedded Kafka at <c>Kafka:BootstrapServers</c> (false: use a running one there).</summary>
    public bool Kafka { get; set; } = true;

    /// <summary>Start the embedded schema registry at <c>SchemaRegistry:Url</c> (false: use a running one there).</summary>
    public bool SchemaRegistry { get; set; } = true;

    /// <summary>Partitions of the topics the embedded Kafka creates.</summary>
    public int Partitions { get; set; } = 8;

    /// <summary>Port of the redis-server started when <c>Redis:ConnectionString</c> is empty.</summary>
    public int RedisPort { get; set; } = 6390;
}
