using System.Net;

namespace Segmenter.Silo.Configuration;

/// <summary>
/// Section <c>Http</c>: who may use the silo's HTTP port (dashboard, query API, metrics). <c>Urls</c> decides where it
/// listens (127.0.0.1 by default, so nothing is reachable from the network); with <see cref="BasicAuthUserInfo"/> every
/// path but <see cref="AnonymousPaths"/> needs HTTP basic authentication, for a silo that must listen on the network
/// (containers, several hosts). Checked by <see cref="HttpSettingsValidator"/>.
/// </summary>
public sealed class HttpSettings
{
    public const string SectionName = "Http";

    /// <summary><c>user:password</c> the dashboard, the query API and <c>/metrics</c> require; empty: none. A secret.</summary>
    public string BasicAuthUserInfo { get; set; } = "";

    /// <summary>Paths served without authentication, comma-separated (<c>/health</c>: what orchestrators probe).</summary>
    public string AnonymousPaths { get; set; } = "/health";

    /// <summary>Whether the endpoints require authentication.</summary>
    public bool RequiresAuthentication => BasicAuthUserInfo.Length > 0;

    /// <summary>The user of <see cref="BasicAuthUserInfo"/> (not a secret).</summary>
    public string User => BasicAuthUserInfo.Split(':', 2)[0];

    /// <summary><see cref="AnonymousPaths"/> as a list.</summary>
    public IReadOnlyList<string> AnonymousPathList =>
        [.. AnonymousPaths.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>
    /// The addresses of <paramref name="urls"/> (the <c>Urls</c> setting) that other machines can reach: anything but
    /// loopback (<c>0.0.0.0</c>, <c>*</c>, <c>+</c>, a host name or a network address).
    /// </summary>
    public static IReadOnlyList<string> ReachableFromTheNetwork(string urls) =>
        [.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(url => !IsLoopback(url))];

    private static bool IsLoopback(string url)
    {
        // Kestrel's wildcards are no valid URI hosts: "http://*:8080", "http://+:8080".
        var host = url.Split("://", 2) is [_, var rest] ? rest.Split('/')[0] : url;
        host = host.StartsWith('[') ? host[1..host.IndexOf(']', StringComparison.Ordinal)] : host.Split(':')[0];
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }
}
