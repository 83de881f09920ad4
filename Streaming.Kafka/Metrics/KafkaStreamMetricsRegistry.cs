using System.Collections.Concurrent;

namespace Segmenter.Streaming.Kafka.Metrics;

/// <summary>The metrics of every Kafka stream provider in this process, by provider name (for status lines and health).</summary>
public sealed class KafkaStreamMetricsRegistry
{
    private readonly ConcurrentDictionary<string, KafkaStreamMetrics> _providers = new(StringComparer.Ordinal);

    public void Add(KafkaStreamMetrics metrics) => _providers[metrics.ProviderName] = metrics;

    public KafkaStreamMetrics? Get(string providerName) => _providers.GetValueOrDefault(providerName);

    public IReadOnlyCollection<KafkaStreamMetrics> All => [.. _providers.Values];
}
