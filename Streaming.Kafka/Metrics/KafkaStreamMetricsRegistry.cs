using System.Collections.Concurrent;

namespace Segmenter.Streaming.Kafka.Metrics;

/// <summary>The metrics of every Kafka stream provider in this process, by provider name (for status lines and health).</summary>
public sealed class KafkaStreamMetricsRegistry
{
    private readonly ConcurrentDictionary<string, KafkaStreamMetrics> _providers = new(StringComparer.Ordinal);

    /// <summary>Registers a provider's metrics under its name (replacing an earlier registration of that name); the provider does this at start.</summary>
    /// <param name="metrics">The provider's metrics.</param>
    public void Add(KafkaStreamMetrics metrics) => _providers[metrics.ProviderName] = metrics;

    /// <summary>The metrics of provider <paramref name="providerName"/>, or null before it started (or when there is none).</summary>
    /// <param name="providerName">The name given to <c>AddKafkaStreams</c>.</param>
    public KafkaStreamMetrics? Get(string providerName) => _providers.GetValueOrDefault(providerName);

    /// <summary>The metrics of every provider started in this process.</summary>
    public IReadOnlyCollection<KafkaStreamMetrics> All => [.. _providers.Values];
}
