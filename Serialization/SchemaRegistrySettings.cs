using System.Net;
using Confluent.SchemaRegistry;

namespace Segmenter.Serialization;

/// <summary>
/// Where the schema registry is and how to sign in to it, for every registry client of the silo and the CLIs. Section
/// <c>SchemaRegistry</c> (<c>SchemaRegistry__BasicAuthUserInfo</c> as an environment variable). Basic authentication
/// is Confluent's <c>basic.auth.credentials.source=USER_INFO</c>: Confluent Cloud's registry API key and secret.
/// </summary>
public sealed class SchemaRegistrySettings
{
    public const string SectionName = "SchemaRegistry";

    /// <summary>The registry's base address, such as <c>https://psrc-abc12.eu-central-1.aws.confluent.cloud</c>.</summary>
    public string Url { get; set; } = "";

    /// <summary><c>user:password</c> (Confluent Cloud: <c>API_KEY:API_SECRET</c>); empty: no authentication. A secret.</summary>
    public string BasicAuthUserInfo { get; set; } = "";

    /// <summary>The user name of <see cref="BasicAuthUserInfo"/> (not a secret), or null without authentication.</summary>
    public string? User => BasicAuthUserInfo.Length == 0 ? null : BasicAuthUserInfo.Split(':', 2)[0];

    /// <summary>The Confluent client configuration.</summary>
    public SchemaRegistryConfig ToConfig()
    {
        var config = new SchemaRegistryConfig { Url = Url };
        if (BasicAuthUserInfo.Length > 0)
        {
            config.BasicAuthCredentialsSource = AuthCredentialsSource.UserInfo;
            config.BasicAuthUserInfo = BasicAuthUserInfo;
        }

        return config;
    }

    /// <summary>A registry client (it caches schemas and ids: one per process).</summary>
    public CachedSchemaRegistryClient CreateClient(TimeSpan? requestTimeout = null)
    {
        var config = ToConfig();
        if (requestTimeout is { } timeout)
            config.RequestTimeoutMs = (int)Math.Max(1_000, timeout.TotalMilliseconds);
        return new CachedSchemaRegistryClient(config);
    }

    /// <summary>The <c>Authorization</c> header value for requests made without the Confluent client, or null.</summary>
    public string? AuthorizationHeader() => BasicAuthUserInfo.Length == 0
        ? null
        : "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(BasicAuthUserInfo));

    /// <summary><paramref name="text"/> with the credentials (and the password alone) replaced by <c>***</c>.</summary>
    public string Redact(string text)
    {
        if (string.IsNullOrEmpty(text) || BasicAuthUserInfo.Length == 0)
            return text;
        var password = BasicAuthUserInfo.Split(':', 2) is [_, { Length: > 0 } secret] ? secret : null;
        text = text.Replace(BasicAuthUserInfo, "***", StringComparison.Ordinal);
        return password is null ? text : text.Replace(password, "***", StringComparison.Ordinal);
    }

    /// <summary>One line for logs: <c>https://registry with basic auth as 'key'</c>.</summary>
    public string Describe() => User is { } user ? $"{RedactedUrl(Url)} with basic auth as '{user}'" : RedactedUrl(Url);

    /// <summary>A URL with any user info in it masked, for messages.</summary>
    public static string RedactedUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? url.Replace(uri.UserInfo, "***", StringComparison.Ordinal)
            : url;

    /// <summary>
    /// Whether a registry failure is a refusal of the credentials (401, 403): not an outage to wait out quietly but a
    /// setting to fix, so messages say so.
    /// </summary>
    public static bool IsRefusedCredentials(Exception exception) =>
        SchemaRegistryOutage.Cause(exception) is SchemaRegistryException { Status: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden };
}
