using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;

namespace Segmenter.Silo.Configuration;

/// <summary>
/// Section <c>Telemetry</c>: where the silo pushes its metrics besides the Prometheus endpoint it always serves. OTLP
/// is off unless an endpoint is given here or in the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable, because the
/// OpenTelemetry exporter would otherwise send to localhost:4317 and log a failure every minute on a machine without
/// a collector.
/// </summary>
public sealed class TelemetrySettings
{
    public const string SectionName = "Telemetry";

    /// <summary>The OpenTelemetry specification's variable (read through configuration, so also a command-line setting).</summary>
    public const string StandardEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The collector's base address (<c>http://collector:4317</c>); empty: the standard variable's, if any.</summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary><c>grpc</c> or <c>http/protobuf</c>, for <see cref="OtlpEndpoint"/>.</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>Where OTLP goes, once <see cref="Validate"/> accepted the settings; null: no OTLP export.</summary>
    public OtlpTarget? Otlp { get; private set; }

    /// <summary>Checks the settings and the standard variable and decides <see cref="Otlp"/>; returns what is wrong.</summary>
    public IEnumerable<string> Validate(IConfiguration configuration)
    {
        var problems = new List<string>();
        OtlpExportProtocol? protocol = OtlpProtocol switch
        {
            "grpc" => OtlpExportProtocol.Grpc,
            "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            _ => null,
        };
        if (protocol is null)
            problems.Add($"{SectionName}:OtlpProtocol must be 'grpc' or 'http/protobuf' (got '{OtlpProtocol}').");

        var standard = configuration[StandardEndpointVariable] ?? "";
        if (!string.IsNullOrWhiteSpace(OtlpEndpoint))
        {
            if (!IsHttpAddress(OtlpEndpoint, out var endpoint))
                problems.Add($"{SectionName}:OtlpEndpoint must be an http(s) address such as 'http://collector:4317' (got '{WithoutUserInfo(OtlpEndpoint)}').");
            else if (protocol is { } p)
                Otlp = new OtlpTarget(p == OtlpExportProtocol.HttpProtobuf ? MetricsPath(endpoint) : endpoint, p, FromStandardVariables: false);
        }
        else if (!string.IsNullOrWhiteSpace(standard))
        {
            // The SDK reads the standard variables itself (protocol, headers, timeout, interval) and adds /v1/metrics.
            if (IsHttpAddress(standard, out var endpoint))
                Otlp = new OtlpTarget(endpoint, null, FromStandardVariables: true);
            else
                problems.Add($"{StandardEndpointVariable} must be an http(s) address such as 'http://collector:4317' (got '{WithoutUserInfo(standard)}').");
        }

        return problems;
    }

    /// <summary>An address for a message: credentials written into it (<c>http://user:token@host</c>) masked.</summary>
    private static string WithoutUserInfo(string address) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0 ? address.Replace(uri.UserInfo, "***", StringComparison.Ordinal) : address;

    private static bool IsHttpAddress(string text, out Uri uri) =>
        Uri.TryCreate(text, UriKind.Absolute, out uri!) && uri.Scheme is "http" or "https" && uri.Host.Length > 0;

    /// <summary>
    /// Over HTTP each signal has its own path. The standard variable is a base address to which the SDK adds it; an
    /// endpoint set in code is taken as is, so add it here and the setting means what the variable means.
    /// </summary>
    private static Uri MetricsPath(Uri baseAddress) => new(baseAddress.GetLeftPart(UriPartial.Authority) + baseAddress.AbsolutePath.TrimEnd('/') + "/v1/metrics");
}

/// <summary>An OTLP destination; <paramref name="Protocol"/> is null when the standard variables decide it.</summary>
public sealed record OtlpTarget(Uri Endpoint, OtlpExportProtocol? Protocol, bool FromStandardVariables);
