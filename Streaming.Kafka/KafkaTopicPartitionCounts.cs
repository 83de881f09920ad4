using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Segmenter.Streaming.Kafka;

/// <summary>Finds how many partitions each input topic has: configured, or asked of the broker at start.</summary>
internal sealed partial class KafkaTopicPartitionCounts(KafkaStreamOptions options, string providerName, ILogger logger)
{
    public Dictionary<string, int> Resolve(IReadOnlyList<KafkaTopicOptions> topics)
    {
        var counts = topics.Where(t => t.Partitions is not null).ToDictionary(t => t.Name, t => t.Partitions!.Value, StringComparer.Ordinal);
        var unknown = topics.Where(t => t.Partitions is null).Select(t => t.Name).ToList();
        if (unknown.Count == 0)
            return counts;

        Metadata metadata;
        string? clientError = null; // what librdkafka reported meanwhile (refused connection, failed authentication), which says more than a timeout
        try
        {
            var config = new AdminClientConfig { BootstrapServers = options.BootstrapServers };
            options.Security.ApplyTo(config);
            var builder = new AdminClientBuilder(config)
                .SetLogHandler((_, _) => { })
                .SetErrorHandler((_, error) => clientError ??= error.Reason);
            using var admin = options.Security.ApplyTo(builder).Build();
            metadata = admin.GetMetadata(options.MetadataTimeout);
        }
        catch (KafkaException e)
        {
            var reason = options.Redact(clientError is null || clientError == e.Error.Reason ? e.Error.Reason : $"{e.Error.Reason}; {clientError}");
            throw new OrleansConfigurationException(
                $"Kafka stream provider '{providerName}': cannot read the partition counts of {string.Join(", ", unknown)} from {options.BootstrapServers} " +
                $"within {options.MetadataTimeout.TotalSeconds:0} s ({reason}). Is the broker reachable, and are Security's settings right? Or set each topic's Partitions.", e);
        }

        foreach (var name in unknown)
        {
            var topic = metadata.Topics.FirstOrDefault(t => t.Topic == name);
            if (topic is null || topic.Error.IsError || topic.Partitions.Count == 0)
                throw new OrleansConfigurationException(
                    $"Kafka stream provider '{providerName}': input topic '{name}' does not exist on {options.BootstrapServers}" +
                    (topic?.Error.IsError == true ? $" ({topic.Error.Reason})" : "") + ". Create it, or set its Partitions.");
            counts[name] = topic.Partitions.Count;
            LogPartitionCount(logger, providerName, name, topic.Partitions.Count);
        }

        return counts;
    }

    [LoggerMessage(LogLevel.Information, "Kafka stream provider {Provider}: topic {Topic} has {Partitions} partitions", EventId = 1400)]
    private static partial void LogPartitionCount(ILogger logger, string provider, string topic, int partitions);
}
