using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Segmenter.Silo.Configuration;

namespace Segmenter.Silo.Endpoints;

/// <summary>
/// HTTP basic authentication for the silo's port when <see cref="HttpSettings.BasicAuthUserInfo"/> is set: every path
/// but the anonymous ones answers 401 (with <c>WWW-Authenticate</c>, so a browser asks) unless the request carries the
/// configured credentials. Browsers send them again for the dashboard's own API calls; Prometheus takes them as
/// <c>basic_auth</c> in its scrape job.
/// </summary>
internal sealed class BasicAuthenticationMiddleware(RequestDelegate next, HttpSettings settings)
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes(settings.BasicAuthUserInfo);
    private readonly IReadOnlyList<string> _anonymous = settings.AnonymousPathList;

    public async Task InvokeAsync(HttpContext context)
    {
        if (IsAnonymous(context.Request.Path) || IsAuthenticated(context.Request))
        {
            await next(context);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"Segmenter\", charset=\"UTF-8\"";
    }

    private bool IsAnonymous(PathString path) =>
        _anonymous.Any(anonymous => path.Equals(anonymous, StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments(anonymous, StringComparison.OrdinalIgnoreCase));

    private bool IsAuthenticated(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
            return false;
        try
        {
            return CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(header.Parameter), _expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
