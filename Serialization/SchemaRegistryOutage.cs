using System.Net;
using Confluent.SchemaRegistry;

namespace Segmenter.Serialization;

/// <summary>
/// The one passing decode failure: the schema registry cannot be reached or does not serve us (a connection error,
/// an HTTP timeout, a 5xx, a refused request). The record is fine and decodes once the registry answers, so it is
/// kept and retried. Every other failure to decode is the record's and permanent (SEGMENTATION.md, "Guarantees").
/// </summary>
public static class SchemaRegistryOutage
{
    /// <param name="exception">What decoding threw.</param>
    /// <param name="cancellationToken">The caller's token: a cancellation it asked for is not an outage.</param>
    public static bool Is(Exception exception, CancellationToken cancellationToken = default) => exception switch
    {
        AvroDecodeException => false,

        // 404 is the registry's answer about the record (an unknown id); codecs turn it into UnknownSchemaId.
        SchemaRegistryException registry => registry.Status != HttpStatusCode.NotFound,
        HttpRequestException or TimeoutException => true,

        // HttpClient reports its timeout as a cancellation nobody asked for.
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };
}
