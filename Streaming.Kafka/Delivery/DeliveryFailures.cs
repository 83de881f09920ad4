using Orleans.Runtime;

namespace Segmenter.Streaming.Kafka.Delivery;

/// <summary>One consumer of a stream: the grain the agent delivers to and its subscription.</summary>
internal readonly record struct DeliveryConsumer(GrainId Grain, Guid Subscription);

/// <summary>
/// What delivering one container to one consumer has gone through so far: kept on the container (local to the reading
/// silo) from its first failed attempt, so that retries by the pulling agent, which hands over the same container each
/// time, add up.
/// </summary>
internal sealed class DeliveryFailures(DateTimeOffset firstFailedAt)
{
    /// <summary>When the first attempt failed: the time bounds count from here.</summary>
    public DateTimeOffset FirstFailedAt { get; } = firstFailedAt;

    /// <summary>Failed attempts of any kind, the container's and its records' alone.</summary>
    public int Attempts { get; private set; }

    /// <summary>Failed attempts that were not passing: those <see cref="KafkaStreamOptions.DeliveryAttempts"/> counts.</summary>
    public int CountedAttempts { get; private set; }

    /// <summary>Why the container was given up on as a whole ("failed 5 times over 62 s"); null while it is not.</summary>
    public string? GaveUp { get; set; }

    /// <summary>
    /// Once given up on, a container of several records is delivered one record at a time, so that only the one that
    /// fails goes to the dead-letter topic: the index of the next record to deliver alone, -1 before that.
    /// </summary>
    public int NextAlone { get; set; } = -1;

    public bool DeliveringOneByOne => NextAlone >= 0;

    public void Failed(bool passing)
    {
        Attempts++;
        if (!passing)
            CountedAttempts++;
    }
}
