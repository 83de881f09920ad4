using System.Net;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Segmenter.Embedded;
using Segmenter.Grains.Hosting;
using Segmenter.Hosting;
using Segmenter.Hosting.Logging;
using Segmenter.Silo.Configuration;
using Segmenter.Silo.Endpoints;
using Segmenter.Silo.Monitoring;
using Segmenter.Streaming.EventHubs.Hosting;

namespace Segmenter.Silo;

/// <summary>
/// The silo process: reads and checks its configuration (appsettings.json, environment, command line), starts the
/// embedded infrastructure in the embedded profile, then runs Orleans with the dashboard, health, query and metrics
/// endpoints on one ASP.NET Core port. Exit codes: 0 clean stop, 2 bad configuration, 3 infrastructure unavailable.
/// </summary>
public static class SiloProgram
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
            logger.LogCritical("{Reason}", e.Message);
            return InfrastructureUnavailable;
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync($"Segmenter cannot start, the configuration is wrong: {string.Join(" ", e.Failures)}");
            return BadConfiguration;
        }
        catch (OrleansConfigurationException e)
        {
            logger.LogCritical("{Reason}", e.Message);
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
        };
        options.Topics.AddRange([config.Segmenter.EventsTopic, config.Segmenter.SessionEventsTopic, config.Segmenter.SessionsTopic, config.Segmenter.DeadLetterTopic]);
        var infrastructure = await EmbeddedInfrastructure.StartAsync(options, logger);
        if (infrastructure.RedisConnectionString is { } redis)
            config.RedisConnectionString = redis;
        return infrastructure;
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
            silo.AddSegmenter(rules => builder.Configuration.GetSection("Segmentation").Bind(rules), segmenter => builder.Configuration.GetSection("Segmentation").Bind(segmenter));
            if (config.Transport == InputTransport.EventHubs)
                silo.AddSegmenterEventHubs(config.SchemaRegistryUrl, config.EventHubs);
            else
                silo.AddSegmenterKafka(config.SchemaRegistryUrl, kafka => builder.Configuration.GetSection("Kafka").Bind(kafka));
            silo.AddSegmenterRedis(config.RedisConnectionString);
            silo.AddDashboard();
        });

        builder.Services.AddHealthChecks().AddCheck<SiloHealthCheck>("silo");
        builder.Services.AddSingleton(config);
        builder.Services.AddSiloTelemetry(builder.Configuration, config.Telemetry);
        if (config.Host.StatusInterval > TimeSpan.Zero)
            builder.Services.AddHostedService<StatusLine>();

        var app = builder.Build();
        app.MapGet("/", () => Results.Redirect("/dashboard/"));
        app.MapOrleansDashboard("/dashboard");
        app.MapHealthChecks("/health");
        app.MapDeviceSessionEndpoints();
        app.MapSiloMetrics();
        SiloTelemetry.LogExport(app.Logger, config.Telemetry);
        return app;
    }
}
