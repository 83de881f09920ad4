using Confluent.Kafka;
using Segmenter.Streaming.Kafka.Producing;

namespace Segmenter.Streaming.Kafka.Delivery;

/// <summary>
/// The default answer to "will retrying this delivery help?": yes when something on the way is unreachable or slow (a
/// timeout, a connection, a silo that left, a broker that is down), anywhere in the exception chain (inner exceptions,
/// every exception of an <see cref="AggregateException"/>). A listed type counts with its subclasses. Exceptions that come
/// back from another silo may arrive as Orleans' fallback exception, which keeps only the type's name: names count too.
/// Applications add their own passing failures (Segmenter adds Redis' outages).
/// </summary>
/// <remarks>
/// A passing failure is retried, but not forever: <see cref="KafkaStreamOptions.PassingFailureLimit"/> bounds it. That is
/// what makes <see cref="TimeoutException"/> safe to list: Orleans' answer to a grain call that got no response in
/// time is the same exception whether the grain's store is down (retrying helps) or the grain hangs on this record
/// (it never will); the bound dead-letters the second after the limit.
/// </remarks>
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

    /// <summary>The provider's default (<see cref="KafkaStreamOptions.IsTransientDeliveryFailure"/>).</summary>
    public static bool IsTransient(Exception failure) => AnyInChain(failure, IsDefaultPassing);

    /// <summary>The default, or an exception anywhere in the chain whose type is one of <paramref name="typeNames"/> (full names) or derives from one.</summary>
    public static Func<Exception, bool> Including(params string[] typeNames) =>
        failure => AnyInChain(failure, e => IsDefaultPassing(e) || Named(e, typeNames));

    /// <summary>The default, or an exception anywhere in the chain for which <paramref name="isPassing"/> holds.</summary>
    public static Func<Exception, bool> Including(Func<Exception, bool> isPassing)
    {
        ArgumentNullException.ThrowIfNull(isPassing);
        return failure => AnyInChain(failure, e => IsDefaultPassing(e) || isPassing(e));
    }

    private static bool IsDefaultPassing(Exception e) =>
        e is KafkaException kafka ? PassingKafkaErrors.Contains(kafka.Error) : Named(e, DefaultTypeNames);

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
        for (var type = e.GetType(); type is not null && type != typeof(Exception); type = type.BaseType)
        {
            if (typeNames.Contains(type.FullName, StringComparer.Ordinal))
                return true;
        }

        // Orleans' stand-in for an exception type it could not recreate keeps the original type's name (only the name:
        // its base types are unknown here).
        return e.GetType().Name == "UnavailableExceptionFallbackException"
            && e.GetType().GetProperty("ExceptionType")?.GetValue(e) is string original
            && typeNames.Any(t => original.StartsWith(t, StringComparison.Ordinal));
    }
}
