using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace Segmenter.Streaming.Kafka;

/// <summary>
/// Logs what the pulling agent gave up on. The cache has already pinned the commit before the failed container,
/// so the events are replayed after the next restart rather than lost.
/// </summary>
internal sealed partial class LoggingDeliveryFailureHandler(string providerName, ILogger logger) : IStreamFailureHandler
{
    public bool ShouldFaultSubsriptionOnError => false;

    public Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        LogDeliveryFailed(logger, providerName, streamIdentity, sequenceToken);
        return Task.CompletedTask;
    }

    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        LogSubscriptionFailed(logger, providerName, subscriptionId, streamIdentity, sequenceToken);
        return Task.CompletedTask;
    }

    [LoggerMessage(LogLevel.Error, "Kafka stream provider {Provider}: delivery to {Stream} failed at {Token}; offsets are not committed past it until restart", EventId = 1510)]
    private static partial void LogDeliveryFailed(ILogger logger, string provider, StreamId stream, StreamSequenceToken? token);

    [LoggerMessage(LogLevel.Error, "Kafka stream provider {Provider}: subscription {Subscription} to {Stream} failed at {Token}", EventId = 1511)]
    private static partial void LogSubscriptionFailed(ILogger logger, string provider, GuidId subscription, StreamId stream, StreamSequenceToken? token);
}
