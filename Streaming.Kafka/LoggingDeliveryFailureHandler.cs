using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace Segmenter.Streaming.Kafka;

/// <summary>
/// Logs what the pulling agent gave up on. The cache has already pinned the commit before the failed container,
/// so the events are replayed after the next restart rather than lost.
/// </summary>
internal sealed class LoggingDeliveryFailureHandler(string providerName, ILogger logger) : IStreamFailureHandler
{
    public bool ShouldFaultSubsriptionOnError => false;

    public Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        logger.LogError("Kafka stream provider {Provider}: delivery to {Stream} failed at {Token}; offsets are not committed past it until restart",
            providerName, streamIdentity, sequenceToken);
        return Task.CompletedTask;
    }

    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        logger.LogError("Kafka stream provider {Provider}: subscription {Subscription} to {Stream} failed at {Token}",
            providerName, subscriptionId, streamIdentity, sequenceToken);
        return Task.CompletedTask;
    }
}
