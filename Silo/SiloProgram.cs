using System.Net;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Segmenter.Embedded;
using Segmenter.Embedded.Kafka.Security;
using Segmenter.Grains.Options;
using Segmenter.Hosting;
using Segmenter.Hosting.Logging;
using Segmenter.Silo.Configuration;
using Segmenter.Silo.Endpoints;
using Segmenter.Silo.Monitoring;

namespace Segmenter.Silo;

/// <summary>
/// The silo process: reads and checks its configuration (appsettings.json, environment, command line), starts the
/// embedded infrastructure in the embedded profile, then runs Orleans with the dashboard, health, query and metrics
/// endpoints on one ASP.NET Core port. Exit codes: 0 clean stop, 2 bad configuration, 3 infrastructure unavailable.
/// </summary>
public static partial class SiloProgram
{
    public const int BadConfiguration = 2;
    public const int InfrastructureUnavailable = 3;

    public static async Task<int> RunAsync(string[] args)
    {
        // appsettings.json ships beside the program: find it wherever the silo is started from.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var config = SiloConfiguration.Read(builder.Configuration, out var problems);
        if (problems.Count > 0)
        {
            await Console.Error.WriteLineAsync("Segmenter cannot start, the configuration is wrong:");
            foreach (var problem in problems)
                await Console.Error.WriteLineAsync($"  - {problem}");
            return BadConfiguration;
        }

        using var loggerFactory = LoggerFactory.Create(logging => logging.AddConfiguration(builder.Configuration.GetSection("Logging")).AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }));
        var logger = loggerFactory.CreateLogger("Segmenter.Silo");
        EmbeddedInfrastructure? infrastructure = null;
        try
        {
            if (config.Profile == SiloProfile.Embedded)
                infrastructure = await StartEmbeddedAsync(config, logger);

            var app = Build(builder, config);
            await app.RunAsync();
            return 0;
        }
        catch (EmbeddedInfrastructureException e)
        {
            LogInfrastructureUnavailable(logger, e.Message);
            return InfrastructureUnavailable;
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync($"Segmenter cannot start, the configuration is wrong: {string.Join(" ", e.Failures)}");
            return BadConfiguration;
        }
        catch (OrleansConfigurationException e)
        {
            LogBadOrleansConfiguration(logger, e.Message);
            return BadConfiguration;
        }
        finally
        {
            if (infrastructure is not null)
                await infrastructure.DisposeAsync();
        }
    }

    /// <summary>Kafka, schema registry and Redis for a bare machine, where the configuration expects them.</summary>
    private static async Task<EmbeddedInfrastructure> StartEmbeddedAsync(SiloConfiguration config, ILogger logger)
    {
        var options = new EmbeddedInfrastructureOptions
        {
            Kafka = config.Embedded.Kafka,
            KafkaPort = config.KafkaPort(),
            Partitions = config.Embedded.Partitions,
            SchemaRegistry = config.Embedded.SchemaRegistry,
            SchemaRegistryPort = config.SchemaRegistryPort(),
            Redis = string.IsNullOrWhiteSpace(config.RedisConnectionString),
            RedisPort = config.Embedded.RedisPort,
            DataDirectory = Path.Combine(config.Host.DataDirectory, "redis"),
            KafkaSecurity = EmbeddedKafkaSecurityFor(config),
            SchemaRegistryUserInfo = config.SchemaRegistry.BasicAuthUserInfo,
        };
        options.Topics.AddRange([config.Segmenter.EventsTopic, config.Segmenter.SessionEventsTopic, config.Segmenter.SessionsTopic, config.Segmenter.DeadLetterTopic]);
        var infrastructure = await EmbeddedInfrastructure.StartAsync(options, logger);
        if (infrastructure.RedisConnectionString is { } redis)
            config.RedisConnectionString = redis;
        return infrastructure;
    }

    /// <summary>
    /// With SASL configured for Kafka, the embedded Kafka requires exactly those credentials (validation has refused what
    /// it cannot play: TLS, OAUTHBEARER), so a local run exercises the same client settings as a secured cluster.
    /// </summary>
    private static EmbeddedKafkaSecurity? EmbeddedKafkaSecurityFor(SiloConfiguration config)
    {
        var security = config.Kafka.Security;
        if (security.ParsedProtocol is not Confluent.Kafka.SecurityProtocol.SaslPlaintext || security.ParsedSaslMechanism is not { } mechanism)
            return null;
        return new EmbeddedKafkaSecurity
        {
            Protocol = Confluent.Kafka.SecurityProtocol.SaslPlaintext,
            Users = new Dictionary<string, string> { [security.SaslUsername] = security.SaslPassword },
            Mechanisms = [mechanism],
        };
    }

    internal static WebApplication Build(WebApplicationBuilder builder, SiloConfiguration config)
    {
        builder.Logging.SummarizeRepeatedWarnings();
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = config.Orleans.ClusterId;
                o.ServiceId = config.Orleans.ServiceId;
            });
            if (config.Profile == SiloProfile.Embedded)
            {
                silo.UseLocalhostClustering(config.Orleans.SiloPort, config.Orleans.GatewayPort, serviceId: config.Orleans.ServiceId, clusterId: config.Orleans.ClusterId);
            }
            else
            {
                silo.UseRedisClustering(config.RedisConnectionString);
                var address = string.IsNullOrWhiteSpace(config.Orleans.AdvertisedAddress) ? null : IPAddress.Parse(config.Orleans.AdvertisedAddress);
                if (address is not null)
                    silo.ConfigureEndpoints(address, config.Orleans.SiloPort, config.Orleans.GatewayPort, listenOnAnyHostAddress: true);
                else
                    silo.ConfigureEndpoints(config.Orleans.SiloPort, config.Orleans.GatewayPort, listenOnAnyHostAddress: true);
            }

            // Failure detection can be tuned (Orleans:Membership:ProbeTimeout, NumMissedProbesLimit, ...).
            silo.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection("Orleans:Membership"));
            silo.AddSegmenter(builder.Configuration);
            if (config.Transport == InputTransport.EventHubs)
                silo.AddSegmenterEventHubs(config.SchemaRegistry, config.EventHubs);
            else
                silo.AddSegmenterKafka(config.SchemaRegistry, kafka => builder.Configuration.GetSection(SiloConfiguration.KafkaSectionName).Bind(kafka));
            silo.AddSegmenterRedis(config.RedisConnectionString);
            silo.AddDashboard();
        });

        builder.Services.AddHealthChecks().AddCheck<SiloHealthCheck>("silo");
        builder.Services.AddSingleton(config);
        builder.Services.AddSiloTelemetry(builder.Configuration, config.Telemetry);
        if (config.Host.StatusInterval > TimeSpan.Zero)
            builder.Services.AddHostedService<StatusLine>();

        var app = builder.Build();
        if (config.Http.RequiresAuthentication)
            app.UseMiddleware<BasicAuthenticationMiddleware>(config.Http);
        app.MapGet("/", () => Results.Redirect("/dashboard/"));
        app.MapOrleansDashboard("/dashboard");
        app.MapHealthChecks("/health");
        app.MapDeviceSessionEndpoints();
        app.MapSiloMetrics();
        SiloTelemetry.LogExport(app.Logger, config.Telemetry);
        LogConnections(app.Logger, config, builder.Configuration["Urls"] ?? "");
        return app;
    }

    /// <summary>How the silo reaches Kafka and the registry and who may use its HTTP port: names and files, never secrets.</summary>
    private static void LogConnections(ILogger logger, SiloConfiguration config, string urls)
    {
        if (config.Transport == InputTransport.Kafka)
            LogKafkaSecurity(logger, config.Kafka.BootstrapServers, config.Kafka.Security.IsConfigured ? config.Kafka.Security.Describe() : "PLAINTEXT (no TLS, no SASL)");
        LogSchemaRegistry(logger, config.SchemaRegistry.Describe());
        var exposed = HttpSettings.ReachableFromTheNetwork(urls);
        if (config.Http.RequiresAuthentication)
            LogHttpAuthenticated(logger, urls, config.Http.User, config.Http.AnonymousPaths);
        else if (exposed.Count > 0)
            LogHttpExposed(logger, string.Join(", ", exposed));
    }

    // Two events with one text: the exit code differs (3 against 2), and so does the id a log filter can match on.
    [LoggerMessage(LogLevel.Critical, "{Reason}", EventId = 5000)]
    private static partial void LogInfrastructureUnavailable(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Critical, "{Reason}", EventId = 5001)]
    private static partial void LogBadOrleansConfiguration(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Information, "Kafka at {Bootstrap}: {Security}", EventId = 5010)]
    private static partial void LogKafkaSecurity(ILogger logger, string bootstrap, string security);

    [LoggerMessage(LogLevel.Information, "Schema registry at {Registry}", EventId = 5011)]
    private static partial void LogSchemaRegistry(ILogger logger, string registry);

    [LoggerMessage(LogLevel.Information, "HTTP endpoints on {Urls} require basic authentication as '{User}' (anonymous: {Anonymous})", EventId = 5012)]
    private static partial void LogHttpAuthenticated(ILogger logger, string urls, string user, string anonymous);

    [LoggerMessage(LogLevel.Warning, "HTTP endpoints (dashboard, query API, metrics) listen on {Urls}, reachable from the network without authentication: set Http:BasicAuthUserInfo, or Urls to http://127.0.0.1:<port>", EventId = 5013)]
    private static partial void LogHttpExposed(ILogger logger, string urls);
}
