using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Segmenter.Embedded.SchemaRegistry;

/// <summary>
/// HTTP basic authentication as a Confluent registry with <c>authentication.method=BASIC</c> does it: every request
/// must carry the configured <c>user:password</c>; otherwise 401 with <c>WWW-Authenticate</c> and Confluent's error
/// body <c>{"error_code":401,"message":"Unauthorized"}</c>, which its clients report.
/// </summary>
internal sealed class RegistryBasicAuthMiddleware(RequestDelegate next, string userInfo)
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes(userInfo);

    public async Task InvokeAsync(HttpContext context)
    {
        if (Presented(context.Request) is { } presented && CryptographicOperations.FixedTimeEquals(presented, _expected))
        {
            await next(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"SchemaRegistry\"";
        context.Response.ContentType = SchemaRegistryEndpoints.ContentType;
        await context.Response.WriteAsync(SchemaRegistryEndpoints.ErrorBody(StatusCodes.Status401Unauthorized, "Unauthorized"));
    }

    private static byte[]? Presented(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
            return null;
        try
        {
            return Convert.FromBase64String(header.Parameter);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
