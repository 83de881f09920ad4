using Orleans;
using Orleans.Runtime;
using Segmenter.Streaming.Kafka.Security;

namespace Segmenter.Streaming.Kafka;

/// <summary>
/// Checks a provider's settings at silo or client start and names every setting that is wrong, all at once, so a
/// misconfigured host stops before it reads or writes anything. <c>AddKafkaStreams</c> registers one per provider.
/// </summary>
/// <param name="options">The provider's settings.</param>
/// <param name="providerName">The provider's name, which every message starts with.</param>
public sealed class KafkaStreamOptionsValidator(KafkaStreamOptions options, string providerName) : IConfigurationValidator
{
    /// <summary>
    /// Called by Orleans at start: throws <see cref="OrleansConfigurationException"/> listing every problem that
    /// <see cref="Validate"/> finds, one per line.
    /// </summary>
    public void ValidateConfiguration()
    {
        var problems = Validate(options, providerName);
        if (problems.Count > 0)
            throw new OrleansConfigurationException(string.Join(Environment.NewLine, problems));
    }

    /// <summary>
    /// Every problem of <paramref name="options"/>, each a sentence naming the setting, such as
    /// <c>Kafka stream provider 'kafka': BootstrapServers is required (e.g. 'localhost:9092').</c>; empty when they
    /// are fine. Required: <see cref="KafkaStreamOptions.BootstrapServers"/>, at least one topic, and with an input
    /// topic <see cref="KafkaStreamOptions.ConsumerGroupId"/> and <see cref="KafkaStreamOptions.DeadLetterTopic"/>;
    /// intervals must be positive, sizes at least 1 (and <see cref="KafkaStreamOptions.CacheSize"/> at least
    /// <see cref="KafkaStreamOptions.MaxBatchSize"/>), and <see cref="KafkaStreamOptions.Security"/> must make sense.
    /// Never repeats a secret.
    /// </summary>
    /// <param name="options">The settings to check.</param>
    /// <param name="providerName">The provider's name, for the messages.</param>
    public static IReadOnlyList<string> Validate(KafkaStreamOptions options, string providerName) =>
        Problems(options, $"Kafka stream provider '{providerName}': ");

    /// <summary>
    /// The same problems as <see cref="Validate(KafkaStreamOptions, string)"/>, each naming its setting as a key of
    /// configuration section <paramref name="sectionName"/> (<c>Kafka:BootstrapServers is required ...</c>): for a host
    /// that binds the options from configuration and checks them before it starts anything else.
    /// </summary>
    /// <param name="options">The settings to check.</param>
    /// <param name="sectionName">The configuration section the options are bound from, such as <c>Kafka</c>.</param>
    public static IReadOnlyList<string> ValidateSection(KafkaStreamOptions options, string sectionName) =>
        Problems(options, $"{sectionName}:");

    private static List<string> Problems(KafkaStreamOptions options, string prefix)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        void Problem(string setting, string message) =>
            problems.Add($"{prefix}{setting} {message}");

        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
            Problem(nameof(options.BootstrapServers), "is required (e.g. 'localhost:9092').");
        if (options.Topics.Count == 0)
            Problem(nameof(options.Topics), "names no topic: add input or output topics.");
        if (options.Topics.Any(t => t.IsInput) && string.IsNullOrWhiteSpace(options.ConsumerGroupId))
            Problem(nameof(options.ConsumerGroupId), "is required when topics are read (offsets are committed under it).");
        if (options.Topics.Any(t => t.IsInput) && string.IsNullOrWhiteSpace(options.DeadLetterTopic))
            Problem(nameof(options.DeadLetterTopic), "is required when topics are read (undecodable records go there).");

        foreach (var duplicate in options.Topics.GroupBy(t => t.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
            Problem(nameof(options.Topics), $"names topic '{duplicate.Key}' more than once.");
        foreach (var topic in options.Topics)
        {
            if (string.IsNullOrWhiteSpace(topic.Name))
                Problem(nameof(options.Topics), "has a topic without a name.");
            if (!topic.IsInput && !topic.IsOutput)
                Problem($"Topics[{topic.Name}]", "has neither a decoder (input) nor an encoder (output).");
            if (topic.Partitions is <= 0)
                Problem($"Topics[{topic.Name}].{nameof(topic.Partitions)}", $"must be positive (got {topic.Partitions}).");
        }

        foreach (var clash in options.Topics.Where(t => t.IsInput).GroupBy(t => t.Namespace, StringComparer.Ordinal).Where(g => g.Count() > 1))
            Problem(nameof(options.Topics), $"reads stream namespace '{clash.Key}' from several topics.");

        if (options.CommitInterval <= TimeSpan.Zero)
            Problem(nameof(options.CommitInterval), $"must be positive (got {options.CommitInterval}).");
        if (options.ProgressInterval <= TimeSpan.Zero)
            Problem(nameof(options.ProgressInterval), $"must be positive (got {options.ProgressInterval}).");
        if (options.IdleRecommitInterval <= TimeSpan.Zero)
            Problem(nameof(options.IdleRecommitInterval), $"must be positive (got {options.IdleRecommitInterval}).");
        if (options.StallThreshold <= TimeSpan.Zero)
            Problem(nameof(options.StallThreshold), $"must be positive (got {options.StallThreshold}).");
        if (options.DeliveryAttempts < 1)
            Problem(nameof(options.DeliveryAttempts), $"must be at least 1 (got {options.DeliveryAttempts}).");
        if (options.DeliveryFailureMinimumTime < TimeSpan.Zero)
            Problem(nameof(options.DeliveryFailureMinimumTime), $"must not be negative (got {options.DeliveryFailureMinimumTime}).");
        if (options.PassingFailureLimit <= TimeSpan.Zero)
            Problem(nameof(options.PassingFailureLimit), $"must be positive (got {options.PassingFailureLimit}).");
        if (options.IsTransientDeliveryFailure is null)
            Problem(nameof(options.IsTransientDeliveryFailure), "is required (TransientDeliveryFailures.IsTransient is the default).");
        if (options.MaxBatchSize < 1)
            Problem(nameof(options.MaxBatchSize), $"must be at least 1 (got {options.MaxBatchSize}).");
        if (options.CacheSize < options.MaxBatchSize)
            Problem(nameof(options.CacheSize), $"({options.CacheSize}) must be at least {nameof(options.MaxBatchSize)} ({options.MaxBatchSize}).");
        if (options.ConsumerPrefetchKBytes < 1)
            Problem(nameof(options.ConsumerPrefetchKBytes), $"must be at least 1 (got {options.ConsumerPrefetchKBytes}).");
        if (options.ConsumerFetchWait < TimeSpan.Zero || options.ConsumerFetchWait > TimeSpan.FromSeconds(30))
            Problem(nameof(options.ConsumerFetchWait), $"must be between 0 and 30 s (got {options.ConsumerFetchWait}).");
        if (options.ProducerLinger < TimeSpan.Zero)
            Problem(nameof(options.ProducerLinger), $"must not be negative (got {options.ProducerLinger}).");
        if (options.HandoverTimeout < TimeSpan.Zero)
            Problem(nameof(options.HandoverTimeout), $"must not be negative (got {options.HandoverTimeout}).");
        if (options.MetadataTimeout <= TimeSpan.Zero)
            Problem(nameof(options.MetadataTimeout), $"must be positive (got {options.MetadataTimeout}).");
        foreach (var problem in KafkaSecurityOptionsValidator.Problems(options.Security, nameof(options.Security)))
            problems.Add(prefix + problem);
        return problems;
    }
}
