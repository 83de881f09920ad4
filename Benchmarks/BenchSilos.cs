using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

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

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            await host.StopAsync();
            host.Dispose();
        }
    }
}
