using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Segmenter.Streaming.Kafka.Producing;

namespace Segmenter.Streaming.Kafka.Delivery;

/// <summary>
/// What one partition does with a container whose delivery keeps failing: a failure that
/// <see cref="KafkaStreamOptions.IsTransientDeliveryFailure"/> calls passing (an outage of Redis, the broker, a silo) is
/// retried for as long as the pulling agent retries (<c>MaxEventDeliveryTime</c>): the partition stalls and resumes
/// without loss. Any other failure is retried <see cref="KafkaStreamOptions.DeliveryAttempts"/> times, then every record
/// of the container goes to the dead-letter topic (kind <see cref="Kind"/>, the exception in the reason) and the
/// container counts as delivered, so the partition moves on and its offset is committed past it.
/// </summary>
internal sealed partial class DeliveryFailurePolicy(
    string topic,
    int partition,
    KafkaStreamOptions options,
    DeadLetterPublisher deadLetters,
    ILogger logger)
{
    public const string Kind = "DeliveryFailed";

    private readonly ILogger _logger = logger;

    /// <summary>Records one failed attempt; true when the container is to be dead-lettered now.</summary>
    public bool GiveUp(KafkaBatchContainer container, Exception failure)
    {
        var transient = options.IsTransientDeliveryFailure(failure);
        var attempts = container.DeliveryFailed(transient);
        if (transient || attempts < options.DeliveryAttempts)
        {
            LogRetrying(failure, topic, partition, container.FirstOffset, container.LastOffset, attempts, transient);
            return false;
        }

        return true;
    }

    /// <summary>Sends every record of the container to the dead-letter topic; completes when the broker has them all.</summary>
    public async Task DeadLetterAsync(KafkaBatchContainer container, Exception failure)
    {
        var reason = $"Delivery to the consumers of stream {container.StreamId} failed {container.FailedAttempts} times; last: {Describe(failure)}";
        var records = container.Records ?? [];
        await Task.WhenAll(records.Select(r => deadLetters.PublishAsync(r, Kind, reason)));
        LogDeadLettered(failure, topic, partition, container.FirstOffset, container.LastOffset, records.Count, container.FailedAttempts, deadLetters.Topic);
    }

    /// <summary>The exception chain, type and message of each, for people reading the dead letter.</summary>
    private static string Describe(Exception failure)
    {
        var parts = new List<string>();
        for (var e = failure; e is not null && parts.Count < 4; e = e.InnerException)
            parts.Add($"{e.GetType().FullName}: {e.Message}");
        var text = string.Join(" ---> ", parts);
        return text.Length <= 2_000 ? text : text[..2_000] + "...";
    }

    [LoggerMessage(LogLevel.Warning, "{Topic}[{Partition}] offsets {First}..{Last}: delivery failed (attempt {Attempts}, passing: {Transient}); the pulling agent retries")]
    private partial void LogRetrying(Exception exception, string topic, int partition, long first, long last, int attempts, bool transient);

    [LoggerMessage(LogLevel.Error, "{Topic}[{Partition}] offsets {First}..{Last}: delivery failed {Attempts} times; {Count} records sent to {DeadLetterTopic} and the partition moves on")]
    private partial void LogDeadLettered(Exception exception, string topic, int partition, long first, long last, int count, int attempts, string deadLetterTopic);
}
