using System.Net;
using Confluent.SchemaRegistry;

namespace Segmenter.Serialization;

/// <summary>
/// The one passing decode failure: the schema registry cannot be reached or does not serve us (a connection error,
/// an HTTP timeout, a 5xx, a refused request). The record is fine and decodes once the registry answers, so it is
/// kept and retried. Every other failure to decode is the record's and permanent (SEGMENTATION.md, "Guarantees").
/// The codecs raise <see cref="SchemaRegistryUnavailableException"/> for it; the registry client's own exceptions are
/// recognised too, for code that calls the client directly.
/// </summary>
public static class SchemaRegistryOutage
{
    /// <param name="exception">What decoding threw.</param>
    /// <param name="cancellationToken">The caller's token: a cancellation it asked for is not an outage.</param>
    public static bool Is(Exception exception, CancellationToken cancellationToken = default) => exception switch
    {
        SchemaRegistryUnavailableException => true,
        AvroDecodeException => false,

        // 404 is the registry's answer about the record (an unknown id); codecs turn it into UnknownSchemaId.
        SchemaRegistryException registry => registry.Status != HttpStatusCode.NotFound,
        HttpRequestException or TimeoutException => true,

        // HttpClient reports its timeout as a cancellation nobody asked for.
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>What the registry client threw, under a <see cref="SchemaRegistryUnavailableException"/>; the exception itself otherwise.</summary>
    public static Exception Cause(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception is SchemaRegistryUnavailableException { InnerException: { } inner } ? inner : exception;
    }
}
