using System.Globalization;
using Microsoft.Extensions.Logging;
using Segmenter.Streaming.Kafka.Producing;

namespace Segmenter.Streaming.Kafka.Delivery;

/// <summary>
/// What one partition does with a container whose delivery to a consumer keeps failing (applied by
/// <see cref="KafkaDeliveryFailureFilter"/>). Every failed attempt is retried by the pulling agent until one of two
/// bounds is reached, counted from the first failure:
/// <list type="bullet">
/// <item><description>any failure, passing ones included, after <see cref="KafkaStreamOptions.PassingFailureLimit"/>
/// (15 min): an outage stalls the partition and resumes without loss, but a grain that hangs does not stop it;</description></item>
/// <item><description>a failure that <see cref="KafkaStreamOptions.IsTransientDeliveryFailure"/> does not call passing,
/// after <see cref="KafkaStreamOptions.DeliveryAttempts"/> such attempts and at least
/// <see cref="KafkaStreamOptions.DeliveryFailureMinimumTime"/>.</description></item>
/// </list>
/// A container of one record is then dead-lettered (kind <see cref="Kind"/>). A container of several — one stream's
/// records of one read — is delivered again one record at a time, so that only a record that fails alone is
/// dead-lettered and the others are delivered: a record failing alone for a reason that is not passing is dead-lettered
/// at once (its container has used up its attempts); a passing failure alone is retried until the time bound, and once
/// that is spent, the records not yet delivered are dead-lettered together (an outage or a hang cannot be pinned on one
/// record). Dead letters are acknowledged before the container counts as delivered, so the offset is committed past
/// them only once they are safe.
/// </summary>
internal sealed partial class DeliveryFailurePolicy(
    string topic,
    int partition,
    KafkaStreamOptions options,
    DeadLetterPublisher deadLetters,
    TimeProvider time,
    ILogger logger)
{
    public const string Kind = "DeliveryFailed";

    private readonly ILogger _logger = logger;

    /// <summary>What to do after a record of a given-up container failed when delivered alone.</summary>
    public enum AloneOutcome
    {
        /// <summary>A passing failure within the time bound: the agent retries this record.</summary>
        Retry,

        /// <summary>Dead-letter this record and go on with the next one.</summary>
        DeadLetterRecord,

        /// <summary>The time bound is spent: dead-letter this record and every one after it.</summary>
        DeadLetterRest,
    }

    /// <summary>Records a failed attempt of the whole container; true (with its state) when it is given up on now.</summary>
    public bool GiveUp(KafkaBatchContainer container, DeliveryConsumer consumer, Exception failure, out DeliveryFailures failures)
    {
        var now = time.GetUtcNow();
        failures = container.FailuresOf(consumer, now);
        var passing = options.IsTransientDeliveryFailure(failure);
        failures.Failed(passing);
        var elapsed = now - failures.FirstFailedAt;
        if (elapsed >= options.PassingFailureLimit)
            failures.GaveUp = KeptFailing(failures, elapsed);
        else if (!passing && failures.CountedAttempts >= options.DeliveryAttempts && elapsed >= options.DeliveryFailureMinimumTime)
            failures.GaveUp = $"failed {failures.Attempts} times over {Text(elapsed)}";
        else
        {
            LogRetrying(failure, topic, partition, container.FirstOffset, container.LastOffset, failures.Attempts, passing, Text(elapsed));
            return false;
        }

        if (container.Events.Length > 1)
            LogOneByOne(failure, topic, partition, container.FirstOffset, container.LastOffset, failures.GaveUp, container.Events.Length);
        return true;
    }

    /// <summary>Records a failed delivery of the record at <paramref name="index"/> alone and says what follows.</summary>
    public AloneOutcome FailedAlone(KafkaBatchContainer container, DeliveryFailures failures, int index, Exception failure)
    {
        var passing = options.IsTransientDeliveryFailure(failure);
        failures.Failed(passing);
        if (!passing)
            return AloneOutcome.DeadLetterRecord;

        var elapsed = time.GetUtcNow() - failures.FirstFailedAt;
        if (elapsed < options.PassingFailureLimit)
        {
            LogRetrying(failure, topic, partition, container.Offsets[index], container.Offsets[index], failures.Attempts, passing, Text(elapsed));
            return AloneOutcome.Retry;
        }

        failures.GaveUp = KeptFailing(failures, elapsed);
        return AloneOutcome.DeadLetterRest;
    }

    /// <summary>The container's records, all of them (a container of one, given up on); completes when the broker has them.</summary>
    public Task DeadLetterAllAsync(KafkaBatchContainer container, DeliveryFailures failures, Exception failure) =>
        DeadLetterAsync(container, 0, container.Events.Length, failure,
            $"Delivery to the consumers of stream {container.StreamId} {failures.GaveUp}; last: {Describe(failure)}");

    /// <summary>The record at <paramref name="index"/>, which failed alone after its container was given up on.</summary>
    public Task DeadLetterAloneAsync(KafkaBatchContainer container, DeliveryFailures failures, int index, Exception failure) =>
        DeadLetterAsync(container, index, index + 1, failure,
            $"Delivery to the consumers of stream {container.StreamId} of the {container.Events.Length} records read together at offsets " +
            $"{container.FirstOffset}..{container.LastOffset} {failures.GaveUp}; delivered alone, this record failed too: {Describe(failure)}");

    /// <summary>The records from <paramref name="index"/> on, once a passing failure outlasted the time bound.</summary>
    public Task DeadLetterRestAsync(KafkaBatchContainer container, DeliveryFailures failures, int index, Exception failure) =>
        DeadLetterAsync(container, index, container.Events.Length, failure,
            $"Delivery to the consumers of stream {container.StreamId} of the {container.Events.Length} records read together at offsets " +
            $"{container.FirstOffset}..{container.LastOffset} {failures.GaveUp}; delivered one by one, the record at offset {container.Offsets[index]} " +
            $"failed for a passing reason too, so it and the {container.Events.Length - index - 1} after it are dead-lettered together; last: {Describe(failure)}");

    private async Task DeadLetterAsync(KafkaBatchContainer container, int from, int to, Exception failure, string reason)
    {
        var records = container.Records ?? [];
        var written = await Task.WhenAll(records.Take(to).Skip(from).Select(r => deadLetters.PublishAsync(r, Kind, reason)));
        LogDeadLettered(failure, topic, partition, container.Offsets[from], container.Offsets[to - 1], written.Count(w => w), reason, deadLetters.Topic);
    }

    private string KeptFailing(DeliveryFailures failures, TimeSpan elapsed) =>
        $"kept failing for {Text(elapsed)} ({failures.Attempts} attempts; a delivery is retried for at most {Text(options.PassingFailureLimit)})";

    private static string Text(TimeSpan span) => span >= TimeSpan.FromMinutes(2)
        ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#} s");

    private static string Describe(Exception failure) => ExceptionText.Chain(failure);

    [LoggerMessage(LogLevel.Warning, "{Topic}[{Partition}] offsets {First}..{Last}: delivery failed (attempt {Attempts}, passing: {Transient}, failing for {Failing}); the pulling agent retries", EventId = 1500)]
    private partial void LogRetrying(Exception exception, string topic, int partition, long first, long last, int attempts, bool transient, string failing);

    [LoggerMessage(LogLevel.Warning, "{Topic}[{Partition}] offsets {First}..{Last}: delivery {GaveUp}; delivering its {Count} records one by one so that only a failing one is dead-lettered", EventId = 1501)]
    private partial void LogOneByOne(Exception exception, string topic, int partition, long first, long last, string? gaveUp, int count);

    [LoggerMessage(LogLevel.Error, "{Topic}[{Partition}] offsets {First}..{Last}: delivery given up; {Count} records sent to {DeadLetterTopic} and the partition moves on: {Reason}", EventId = 1502)]
    private partial void LogDeadLettered(Exception exception, string topic, int partition, long first, long last, int count, string reason, string deadLetterTopic);
}
