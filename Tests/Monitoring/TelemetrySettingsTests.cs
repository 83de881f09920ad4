using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;
using Segmenter.Silo.Configuration;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Monitoring;

/// <summary>Where the silo pushes OTLP, decided from its settings and the standard variable, and what it refuses.</summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class TelemetrySettingsTests
{
    [Fact]
    public void Without_an_endpoint_there_is_no_OTLP_export()
    {
        var config = Read([]);
        Assert.Null(config.Telemetry.Otlp);
    }

    [Theory]
    [InlineData("grpc", "http://collector:4317", "http://collector:4317/", OtlpExportProtocol.Grpc)]
    [InlineData("http/protobuf", "http://collector:4318", "http://collector:4318/v1/metrics", OtlpExportProtocol.HttpProtobuf)]
    [InlineData("http/protobuf", "https://otel.example/prefix/", "https://otel.example/prefix/v1/metrics", OtlpExportProtocol.HttpProtobuf)]
    public void The_setting_is_a_base_address_as_the_standard_variable_is(string protocol, string endpoint, string expected, OtlpExportProtocol expectedProtocol)
    {
        var config = Read(new() { ["Telemetry:OtlpEndpoint"] = endpoint, ["Telemetry:OtlpProtocol"] = protocol, [TelemetrySettings.StandardEndpointVariable] = "http://ignored:4317" });

        Assert.Equal(new OtlpTarget(new Uri(expected), expectedProtocol, FromStandardVariables: false), config.Telemetry.Otlp);
    }

    [Fact]
    public void The_standard_variable_alone_leaves_protocol_and_path_to_the_SDK()
    {
        var config = Read(new() { [TelemetrySettings.StandardEndpointVariable] = "http://collector:4318" });

        Assert.Equal(new OtlpTarget(new Uri("http://collector:4318"), null, FromStandardVariables: true), config.Telemetry.Otlp);
    }

    [Theory]
    [InlineData("Telemetry:OtlpEndpoint", "collector:4317", "Telemetry:OtlpEndpoint must be an http(s) address such as 'http://collector:4317' (got 'collector:4317').")]
    [InlineData("Telemetry:OtlpEndpoint", "ftp://collector", "Telemetry:OtlpEndpoint must be an http(s) address")]
    [InlineData("Telemetry:OtlpProtocol", "http/json", "Telemetry:OtlpProtocol must be 'grpc' or 'http/protobuf' (got 'http/json').")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "not a url", "OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) address")]
    public void A_wrong_value_is_refused_naming_the_setting(string key, string value, string message)
    {
        Read(new() { [key] = value }, out var problems);

        Assert.Contains(problems, p => p.StartsWith(message, StringComparison.Ordinal));
    }

    private static SiloConfiguration Read(Dictionary<string, string?> settings)
    {
        var config = Read(settings, out var problems);
        Assert.Empty(problems);
        return config;
    }

    /// <summary>The silo's shipped settings with <paramref name="settings"/> on top (as environment or command line would).</summary>
    private static SiloConfiguration Read(Dictionary<string, string?> settings, out IReadOnlyList<string> problems) =>
        SiloConfiguration.Read(new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryPaths.Root, "Silo", "appsettings.json"))
            .AddInMemoryCollection(settings)
            .Build(), out problems);
}
