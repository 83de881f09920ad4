using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace Segmenter.Embedded.SchemaRegistry;

/// <summary>
/// Every error the registry answers is Confluent's JSON, <c>{"error_code": n, "message": "..."}</c>: refusals with their
/// codes, anything unexpected as 50001, and statuses the routing answers without a body (404 for a path the registry
/// does not implement, 405) with the status as code.
/// Clients parse that body; an HTML page or an empty one would turn a clear refusal into a parse error.
/// </summary>
internal sealed partial class RegistryErrorMiddleware(RequestDelegate next, ILogger<RegistryErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
            if (context.Response is { StatusCode: >= 400, HasStarted: false, ContentLength: null })
            {
                // No route at all (a fallback route would also catch known paths with another method, hiding the 405).
                var status = context.Response.StatusCode;
                await WriteAsync(context, status, status, status == StatusCodes.Status404NotFound && context.GetEndpoint() is null
                    ? $"{context.Request.Method} {context.Request.Path} is not implemented by the embedded schema registry."
                    : $"HTTP {status} {ReasonPhrases.GetReasonPhrase(status)}");
            }
        }
        catch (RegistryException e)
        {
            await WriteAsync(context, (int)e.Status, e.ErrorCode, e.Message);
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            LogUnexpected(logger, e, context.Request.Method, context.Request.Path);
            await WriteAsync(context, StatusCodes.Status500InternalServerError, 50001, $"Error in the backend data store: {e.Message}");
        }
    }

    private static async Task WriteAsync(HttpContext context, int status, int errorCode, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = SchemaRegistryEndpoints.ContentType;
        await context.Response.WriteAsync(SchemaRegistryEndpoints.ErrorBody(errorCode, message));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The embedded schema registry failed on {Method} {Path}", EventId = 6100)]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, PathString path);
}
