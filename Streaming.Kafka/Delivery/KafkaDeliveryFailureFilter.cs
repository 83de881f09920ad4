using Orleans.Runtime;
using Orleans.Serialization.Invocation;

namespace Segmenter.Streaming.Kafka.Delivery;

/// <summary>
/// Watches the pulling agents' deliveries of Kafka containers to their consumers (an outgoing call filter sees every
/// call the silo makes, the agents' <c>DeliverBatch</c> included) and applies the container's
/// <see cref="DeliveryFailurePolicy"/>: when a delivery has failed for good, it dead-letters the container's records and
/// answers the agent as if the delivery had succeeded, so the agent moves on and the offset is committed past them.
/// Other calls pass straight through.
/// </summary>
internal sealed class KafkaDeliveryFailureFilter : IOutgoingGrainCallFilter
{
    private const string DeliverBatch = "DeliverBatch";

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (!string.Equals(context.MethodName, DeliverBatch, StringComparison.Ordinal) || FindContainer(context.Request) is not { FailurePolicy: { } policy } container)
        {
            await context.Invoke();
            return;
        }

        try
        {
            await context.Invoke();
        }
        catch (Exception failure) when (policy.GiveUp(container, failure))
        {
            await policy.DeadLetterAsync(container, failure);
            context.Result = null; // no new handshake token: the agent takes the next container
        }
    }

    private static KafkaBatchContainer? FindContainer(IInvokable request)
    {
        for (var i = 0; i < request.GetArgumentCount(); i++)
        {
            if (request.GetArgument(i) is KafkaBatchContainer container)
                return container;
        }

        return null;
    }
}
