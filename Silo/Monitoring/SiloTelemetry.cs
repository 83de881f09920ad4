using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Segmenter.Grains.Metrics;
using Segmenter.Silo.Configuration;
using Segmenter.Streaming.EventHubs;
using Segmenter.Streaming.Kafka.Metrics;

namespace Segmenter.Silo.Monitoring;

/// <summary>
/// The silo's metrics, exported with OpenTelemetry: Segmenter's meters and Orleans' own, scraped by Prometheus at
/// <see cref="ScrapePath"/> on the silo's HTTP port, and pushed over OTLP when an endpoint is configured.
/// </summary>
public static partial class SiloTelemetry
{
    /// <summary>Orleans' runtime meter (grain calls, activations, messaging, streams).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    public const string ScrapePath = "/metrics";

    /// <summary>The name the silo reports as <c>service.name</c> unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string ServiceName = "segmenter";

    /// <summary>Every meter exported.</summary>
    public static IReadOnlyList<string> Meters { get; } =
        [SessionMetrics.MeterName, KafkaStreamMetrics.MeterName, EventHubStreamMetrics.MeterName, OrleansMeter];

    public static IServiceCollection AddSiloTelemetry(this IServiceCollection services, IConfiguration configuration, TelemetrySettings settings)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // The SDK's own detectors read OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES; only fill the gap.
                if (string.IsNullOrWhiteSpace(configuration["OTEL_SERVICE_NAME"]))
                    resource.AddService(ServiceName);
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter([.. Meters]);
                metrics.AddPrometheusExporter();
                if (settings.Otlp is { FromStandardVariables: true })
                {
                    metrics.AddOtlpExporter();
                }
                else if (settings.Otlp is { Protocol: { } protocol } target)
                {
                    metrics.AddOtlpExporter(otlp =>
                    {
                        otlp.Endpoint = target.Endpoint;
                        otlp.Protocol = protocol;
                    });
                }
            });
        return services;
    }

    public static IEndpointConventionBuilder MapSiloMetrics(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPrometheusScrapingEndpoint(ScrapePath);

    /// <summary>Says once at start where the metrics go, so an operator sees why a collector receives nothing.</summary>
    public static void LogExport(ILogger logger, TelemetrySettings settings)
    {
        if (settings.Otlp is { FromStandardVariables: true } standard)
            LogOtlpStandard(logger, ScrapePath, standard.Endpoint);
        else if (settings.Otlp is { Protocol: { } protocol } target)
            LogOtlp(logger, ScrapePath, target.Endpoint, protocol);
        else
            LogPrometheusOnly(logger, ScrapePath);
    }

    [LoggerMessage(LogLevel.Information, "Metrics: Prometheus scrape endpoint {Path}; OTLP export off (set Telemetry:OtlpEndpoint or OTEL_EXPORTER_OTLP_ENDPOINT)", EventId = 5110)]
    private static partial void LogPrometheusOnly(ILogger logger, string path);

    [LoggerMessage(LogLevel.Information, "Metrics: Prometheus scrape endpoint {Path}; OTLP export to {Endpoint} over {Protocol}", EventId = 5111)]
    private static partial void LogOtlp(ILogger logger, string path, Uri endpoint, OpenTelemetry.Exporter.OtlpExportProtocol protocol);

    [LoggerMessage(LogLevel.Information, "Metrics: Prometheus scrape endpoint {Path}; OTLP export to {Endpoint} as the OTEL_EXPORTER_OTLP_* variables say", EventId = 5112)]
    private static partial void LogOtlpStandard(ILogger logger, string path, Uri endpoint);
}
