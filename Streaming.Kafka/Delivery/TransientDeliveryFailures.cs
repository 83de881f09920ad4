using Confluent.Kafka;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace Segmenter.Streaming.Kafka.Delivery;

/// <summary>
/// The default answer to "will retrying this delivery help?": yes when something on the way is unreachable or slow (a
/// timeout, a connection, a silo that left, a broker that is down), anywhere in the exception chain. Exceptions that come
/// back from another silo may arrive as Orleans' fallback exception, which keeps only the type's name: names count too.
/// Applications add their own passing failures (Segmenter adds Redis' connection and timeout exceptions).
/// </summary>
public static class TransientDeliveryFailures
{
    private static readonly string[] DefaultTypeNames =
    [
        "System.TimeoutException",
        "System.Threading.Tasks.TaskCanceledException",
        "System.Net.Sockets.SocketException",
        "System.IO.IOException",
        "Orleans.Runtime.SiloUnavailableException",
        "Orleans.Runtime.OrleansMessageRejectionException",
        "Orleans.Runtime.Messaging.ConnectionFailedException",
        "Orleans.Runtime.GatewayTooBusyException",
        "Orleans.Runtime.ClientNotAvailableException",
    ];

    private static readonly HashSet<ErrorCode> PassingKafkaErrors =
    [
        ErrorCode.Local_MsgTimedOut, ErrorCode.Local_Transport, ErrorCode.Local_AllBrokersDown, ErrorCode.Local_TimedOut,
        ErrorCode.Local_QueueFull, ErrorCode.RequestTimedOut, ErrorCode.NetworkException, ErrorCode.LeaderNotAvailable,
        ErrorCode.NotLeaderForPartition, ErrorCode.NotEnoughReplicas, ErrorCode.NotEnoughReplicasAfterAppend,
        ErrorCode.BrokerNotAvailable, ErrorCode.NotCoordinatorForGroup, ErrorCode.GroupLoadInProgress,
    ];

    /// <summary>The provider's default (<see cref="KafkaStreamOptions.IsTransientDeliveryFailure"/>).</summary>
    public static bool IsTransient(Exception failure) => AnyInChain(failure, e =>
        e is KafkaException kafka ? PassingKafkaErrors.Contains(kafka.Error.Code) : Named(e, DefaultTypeNames));

    /// <summary>The default, or an exception anywhere in the chain whose type has one of <paramref name="typeNames"/> (full names).</summary>
    public static Func<Exception, bool> Including(params string[] typeNames) =>
        failure => IsTransient(failure) || AnyInChain(failure, e => Named(e, typeNames));

    private static bool AnyInChain(Exception failure, Func<Exception, bool> test)
    {
        var depth = 0;
        for (Exception? e = failure; e is not null && depth < 16; e = e.InnerException, depth++)
        {
            if (test(e))
                return true;
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(inner => AnyInChain(inner, test)))
                return true;
        }

        return false;
    }

    private static bool Named(Exception e, string[] typeNames)
    {
        var name = e.GetType().FullName ?? "";
        if (typeNames.Contains(name, StringComparer.Ordinal))
            return true;
        // Orleans' stand-in for an exception type it could not recreate keeps the original type's name.
        return e.GetType().Name == "UnavailableExceptionFallbackException"
            && e.GetType().GetProperty("ExceptionType")?.GetValue(e) is string original
            && typeNames.Any(t => original.StartsWith(t, StringComparison.Ordinal));
    }
}
