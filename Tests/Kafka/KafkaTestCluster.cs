using Microsoft.Extensions.Logging;
using Orleans.TestingHost;
using Segmenter.Streaming.Kafka;
using Segmenter.Streaming.Kafka.Hosting;

namespace Segmenter.Tests.Kafka;

/// <summary>Starts in-process Orleans silos wired to the embedded Kafka through the provider under test.</summary>
internal static class KafkaTestCluster
{
    public const string Provider = "kafka";

    public static async Task<InProcessTestCluster> StartAsync(
        string bootstrapServers, string run, string inputTopic, int silos,
        string? outputTopic = null, Action<KafkaStreamOptions>? configure = null)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Logging.SetMinimumLevel(LogLevel.Warning);
            // SEGMENTER_TEST_LOGS=1 shows the provider's own information logs (take-over, hand-over, commits).
            if (Environment.GetEnvironmentVariable("SEGMENTER_TEST_LOGS") == "1")
            {
                host.Logging.AddSimpleConsole(console => console.SingleLine = true);
                host.Logging.AddFilter("Segmenter", LogLevel.Information);
            }
        });
        builder.ConfigureClientHost(host => host.Logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureSilo((_, silo) => silo.AddKafkaStreams(Provider, options =>
        {
            options.BootstrapServers = bootstrapServers;
            options.ConsumerGroupId = run;
            options.DeadLetterTopic = $"{inputTopic}-dlq";
            options.CommitInterval = TimeSpan.FromMilliseconds(200);
            options.AddInputTopic(inputTopic, _ => new Utf8TestDecoder(run, KafkaProviderTests.Namespace), KafkaProviderTests.Namespace);
            if (outputTopic is not null)
                options.AddOutputTopic(outputTopic, _ => new Utf8TestEncoder(), KafkaProviderTests.OutputNamespace);
            configure?.Invoke(options);
        }));

        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
