namespace Segmenter.Silo.Configuration;

/// <summary>How the silo finds its infrastructure.</summary>
public enum SiloProfile
{
    /// <summary>One silo on a bare machine: it starts Kafka, a schema registry and Redis itself (development).</summary>
    Embedded,

    /// <summary>Any number of silos: Redis clustering, Kafka, registry and Redis from configuration.</summary>
    Cluster,
}
