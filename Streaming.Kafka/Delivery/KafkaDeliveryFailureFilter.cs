using Orleans.Runtime;
using Orleans.Serialization.Invocation;

namespace Segmenter.Streaming.Kafka.Delivery;

/// <summary>
/// Watches the pulling agents' deliveries of Kafka containers to their consumers (an outgoing call filter sees every
/// call the silo makes, the agents' <c>DeliverBatch</c> included) and applies the container's
/// <see cref="DeliveryFailurePolicy"/>. A failed attempt the policy does not give up on goes back to the agent, which
/// retries the same container after its back-off. Once it gives up, the filter answers the agent as if the delivery had
/// succeeded — after dead-lettering the container's only record, or after delivering a container of several records one
/// record at a time (the same call, its container argument replaced) and dead-lettering those that fail alone — so the
/// agent moves its cursor on and the offset is committed past them. Other calls pass straight through.
/// </summary>
/// <remarks>
/// <para>Delivering one record at a time stays inside the agent's model: the agent still waits for this one call, its
/// cursor moves past the container only when the call returns, so a record is counted as delivered only once it was
/// delivered or its dead letter acknowledged. A passing failure while doing so goes back to the agent like any other;
/// its retry hands over the same container and the filter resumes at the record it stopped at.</para>
/// <para>Each record alone is sent as the same request again (Orleans lets an outgoing filter invoke more than once).
/// A grain on this silo gets the request object itself and clears its arguments when it is done with it, so they are
/// kept before the first send and put back before each further one.</para>
/// </remarks>
internal sealed class KafkaDeliveryFailureFilter : IOutgoingGrainCallFilter
{
    private const string DeliverBatch = "DeliverBatch";

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (!string.Equals(context.MethodName, DeliverBatch, StringComparison.Ordinal)
            || FindContainer(context.Request) is not ({ FailurePolicy: { } policy } container, var argument))
        {
            await context.Invoke();
            return;
        }

        var consumer = new DeliveryConsumer(context.TargetId, SubscriptionOf(context.Request));
        var request = new RequestArguments(context.Request, argument);
        if (container.FailuresOf(consumer) is { DeliveringOneByOne: true } resumed)
        {
            await DeliverOneByOneAsync(context, container, request, resumed, policy);
            return;
        }

        try
        {
            await context.Invoke();
        }
        catch (Exception failure) when (policy.GiveUp(container, consumer, failure, out var failures))
        {
            if (container.Events.Length == 1)
            {
                await policy.DeadLetterAllAsync(container, failures, failure);
                context.Result = null; // no new handshake token: the agent takes the next container
                return;
            }

            failures.NextAlone = 0;
            await DeliverOneByOneAsync(context, container, request, failures, policy);
        }
    }

    private static async Task DeliverOneByOneAsync(IOutgoingGrainCallContext context, KafkaBatchContainer container, RequestArguments request, DeliveryFailures failures, DeliveryFailurePolicy policy)
    {
        try
        {
            while (failures.NextAlone < container.Events.Length)
            {
                var index = failures.NextAlone;
                request.Restore(container.One(index));
                try
                {
                    await context.Invoke();
                    failures.NextAlone = index + 1;
                }
                catch (Exception failure)
                {
                    switch (policy.FailedAlone(container, failures, index, failure))
                    {
                        case DeliveryFailurePolicy.AloneOutcome.Retry:
                            throw;
                        case DeliveryFailurePolicy.AloneOutcome.DeadLetterRecord:
                            await policy.DeadLetterAloneAsync(container, failures, index, failure);
                            failures.NextAlone = index + 1;
                            break;
                        default:
                            await policy.DeadLetterRestAsync(container, failures, index, failure);
                            failures.NextAlone = container.Events.Length;
                            break;
                    }
                }
            }

            // Every record was delivered alone or dead-lettered. A handshake token a single record's delivery returned is
            // not passed on: the agent would move its cursor by it, and it points inside this container.
            context.Result = null;
        }
        finally
        {
            request.Restore(container);
        }
    }

    private static (KafkaBatchContainer Container, int Argument)? FindContainer(IInvokable request)
    {
        for (var i = 0; i < request.GetArgumentCount(); i++)
        {
            if (request.GetArgument(i) is KafkaBatchContainer container)
                return (container, i);
        }

        return null;
    }

    /// <summary>A request's arguments as the agent made them, to send the request again with another container.</summary>
    private readonly struct RequestArguments
    {
        private readonly IInvokable _request;
        private readonly object?[] _arguments;
        private readonly int _container;

        public RequestArguments(IInvokable request, int container)
        {
            _request = request;
            _container = container;
            _arguments = new object?[request.GetArgumentCount()];
            for (var i = 0; i < _arguments.Length; i++)
                _arguments[i] = request.GetArgument(i);
        }

        public void Restore(KafkaBatchContainer container)
        {
            for (var i = 0; i < _arguments.Length; i++)
                _request.SetArgument(i, i == _container ? container : _arguments[i]!);
        }
    }

    private static Guid SubscriptionOf(IInvokable request)
    {
        for (var i = 0; i < request.GetArgumentCount(); i++)
        {
            if (request.GetArgument(i) is GuidId subscription)
                return subscription.Guid;
        }

        return Guid.Empty;
    }
}
