using Microsoft.Extensions.Configuration;

namespace Segmenter.Silo.Configuration;

/// <summary>
/// Every problem of section <c>Telemetry</c> at once, each naming its setting, and of the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable when the section leaves the endpoint to it; never repeats credentials
/// written into an address.
/// </summary>
public static class TelemetrySettingsValidator
{
    /// <summary>Every problem of <paramref name="settings"/> and the standard variable in <paramref name="configuration"/>.</summary>
    public static IReadOnlyList<string> Problems(TelemetrySettings settings, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(configuration);
        const string section = TelemetrySettings.SectionName;
        var problems = new List<string>();
        if (settings.ParsedOtlpProtocol is null)
            problems.Add($"{section}:{nameof(settings.OtlpProtocol)} must be 'grpc' or 'http/protobuf' (got '{settings.OtlpProtocol}').");

        // The standard variable counts only when the section names no endpoint: the section's endpoint wins.
        var standard = TelemetrySettings.StandardEndpoint(configuration);
        if (!string.IsNullOrWhiteSpace(settings.OtlpEndpoint))
        {
            if (!TelemetrySettings.IsHttpAddress(settings.OtlpEndpoint, out _))
                problems.Add($"{section}:{nameof(settings.OtlpEndpoint)} must be an http(s) address such as 'http://collector:4317' (got '{WithoutUserInfo(settings.OtlpEndpoint)}').");
        }
        else if (!string.IsNullOrWhiteSpace(standard) && !TelemetrySettings.IsHttpAddress(standard, out _))
        {
            problems.Add($"{TelemetrySettings.StandardEndpointVariable} must be an http(s) address such as 'http://collector:4317' (got '{WithoutUserInfo(standard)}').");
        }

        return problems;
    }

    /// <summary>An address for a message: credentials written into it (<c>http://user:token@host</c>) masked.</summary>
    private static string WithoutUserInfo(string address) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0 ? address.Replace(uri.UserInfo, "***", StringComparison.Ordinal) : address;
}
