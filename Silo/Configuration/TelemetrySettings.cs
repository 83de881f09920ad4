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

    /// <summary>
    /// Where OTLP goes, once <see cref="DecideOtlp"/> ran; null: no OTLP export (also when the settings are wrong,
    /// which <see cref="TelemetrySettingsValidator"/> names).
    /// </summary>
    public OtlpTarget? Otlp { get; private set; }

    /// <summary><see cref="OtlpProtocol"/>, understood; null when it is neither <c>grpc</c> nor <c>http/protobuf</c>.</summary>
    public OtlpExportProtocol? ParsedOtlpProtocol => OtlpProtocol switch
    {
        "grpc" => OtlpExportProtocol.Grpc,
        "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
        _ => null,
    };

    /// <summary>The standard variable's value in <paramref name="configuration"/>; empty when it is not set.</summary>
    internal static string StandardEndpoint(IConfiguration configuration) => configuration[StandardEndpointVariable] ?? "";

    /// <summary>
    /// Decides <see cref="Otlp"/> from these settings and the standard variable: <see cref="OtlpEndpoint"/> wins, and a
    /// value that is not usable gives no target rather than a guess.
    /// </summary>
    public void DecideOtlp(IConfiguration configuration)
    {
        var standard = StandardEndpoint(configuration);
        Otlp = null;
        if (!string.IsNullOrWhiteSpace(OtlpEndpoint))
        {
            if (IsHttpAddress(OtlpEndpoint, out var endpoint) && ParsedOtlpProtocol is { } protocol)
                Otlp = new OtlpTarget(protocol == OtlpExportProtocol.HttpProtobuf ? MetricsPath(endpoint) : endpoint, protocol, FromStandardVariables: false);
        }
        else if (IsHttpAddress(standard, out var endpoint))
        {
            // The SDK reads the standard variables itself (protocol, headers, timeout, interval) and adds /v1/metrics.
            Otlp = new OtlpTarget(endpoint, null, FromStandardVariables: true);
        }
    }

    /// <summary>Whether <paramref name="text"/> is an absolute http(s) address with a host, as the OTLP exporter needs.</summary>
    internal static bool IsHttpAddress(string text, out Uri uri) =>
        Uri.TryCreate(text, UriKind.Absolute, out uri!) && uri.Scheme is "http" or "https" && uri.Host.Length > 0;

    /// <summary>
    /// Over HTTP each signal has its own path. The standard variable is a base address to which the SDK adds it; an
    /// endpoint set in code is taken as is, so add it here and the setting means what the variable means.
    /// </summary>
    private static Uri MetricsPath(Uri baseAddress) => new(baseAddress.GetLeftPart(UriPartial.Authority) + baseAddress.AbsolutePath.TrimEnd('/') + "/v1/metrics");
}

/// <summary>An OTLP destination; <paramref name="Protocol"/> is null when the standard variables decide it.</summary>
public sealed record OtlpTarget(Uri Endpoint, OtlpExportProtocol? Protocol, bool FromStandardVariables);
