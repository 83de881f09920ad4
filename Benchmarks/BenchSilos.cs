using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Segmenter.Hosting.Logging;
using Segmenter.Grains.Options;
using Segmenter.Hosting;
using Segmenter.Grains.Segmentation;

namespace Segmenter.Benchmarks;

/// <summary>One or more in-process silos forming one cluster on localhost, configured alike.</summary>
internal sealed class BenchSilos : IAsyncDisposable
{
    private readonly List<IHost> _hosts;

    private BenchSilos(List<IHost> hosts) => _hosts = hosts;

    public IServiceProvider Services => _hosts[0].Services;

    public IClusterClient Client => Services.GetRequiredService<IClusterClient>();

    public static async Task<BenchSilos> StartAsync(int count, string serviceId, Action<ISiloBuilder> configure)
    {
        var hosts = new List<IHost>();
        var primary = new IPEndPoint(IPAddress.Loopback, 22_000);
        for (var i = 0; i < count; i++)
        {
            var index = i;
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Logging.SummarizeRepeatedWarnings();
            builder.UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(22_000 + index, 32_000 + index, primary, serviceId, serviceId);
                silo.AddIncomingGrainCallFilter<ProcessedEventCounter>();
                configure(silo);
            });
            var host = builder.Build();
            await host.StartAsync();
            hosts.Add(host);
        }

        return new BenchSilos(hosts);
    }

    /// <summary>
    /// Silos running the full pipeline on <paramref name="infrastructure"/>: input <paramref name="inputTopic"/>, outputs
    /// <c>{run}-session-events</c>, <c>{run}-sessions</c> and <c>{run}-dlq</c> (created here), consumer group and
    /// cluster <paramref name="run"/>, state and reminders in its Redis.
    /// </summary>
    public static Task<BenchSilos> StartSegmenterAsync(BenchInfrastructure infrastructure, int count, string run, string inputTopic,
        int partitions, Action<SegmentationOptions>? rules = null, int? cacheSize = null)
    {
        infrastructure.CreateTopic($"{run}-session-events", partitions);
        infrastructure.CreateTopic($"{run}-sessions", partitions);
        infrastructure.CreateTopic($"{run}-dlq", 1);
        return StartAsync(count, run, silo =>
        {
            silo.AddSegmenter(rules, o =>
            {
                o.EventsTopic = inputTopic;
                o.SessionEventsTopic = $"{run}-session-events";
                o.SessionsTopic = $"{run}-sessions";
                o.DeadLetterTopic = $"{run}-dlq";
            });
            silo.AddSegmenterKafka(infrastructure.SchemaRegistryUrl, kafka =>
            {
                kafka.BootstrapServers = infrastructure.BootstrapServers;
                kafka.ConsumerGroupId = run;
                kafka.CacheSize = cacheSize ?? kafka.CacheSize;
                kafka.MaxBatchSize = Math.Min(kafka.MaxBatchSize, kafka.CacheSize);
            });
            silo.AddSegmenterRedis(infrastructure.RedisConnectionString);
        });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
}
