using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Streaming.EventHubs;
using Orleans.Streams;
using Segmenter.Grains.Options;
using Segmenter.Grains.Scheduling;
using Segmenter.Streaming;
using Segmenter.Streaming.EventHubs.Progress;
using Segmenter.Silo;
using Segmenter.Silo.Configuration;
using Segmenter.Streaming.EventHubs;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.EventHubs;

/// <summary>
/// Choosing Event Hubs by configuration: wrong settings stop the silo process at once naming the setting; right ones
/// give a silo whose Orleans registration passes Orleans' own start-up checks. Nothing here connects to Event Hubs or
/// Azure Storage (none is reachable): the addresses are on the loopback and no connection is opened.
/// </summary>
public sealed class EventHubsConfigurationTests
{
    // Well-formed but pointing at this machine: if anything did try to connect, it would reach nothing outside.
    private const string Key = "c2VnbWVudGVyLXRlc3Qta2V5LW5vdC1hLXNlY3JldA==";
    private const string Namespace = $"Endpoint=sb://127.0.0.1/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={Key}";
    private const string Storage = "UseDevelopmentStorage=true";

    private static readonly string SiloDll = RepositoryPaths.Program("Silo", "Segmenter.Silo");

    private static readonly string[] Valid =
    [
        "--Segmenter:Transport=eventhubs", "--Segmenter:Profile=cluster", "--Redis:ConnectionString=127.0.0.1:1",
        "--SchemaRegistry:Url=http://127.0.0.1:1", $"--EventHubs:ConnectionString={Namespace}", "--EventHubs:EventHubName=events",
        $"--EventHubs:CheckpointConnectionString={Storage}",
    ];

    public static TheoryData<string[], string[]> BadSettings => new()
    {
        {
            ["--EventHubs:ConnectionString=", "--EventHubs:EventHubName=", "--EventHubs:CheckpointConnectionString="],
            ["EventHubs:ConnectionString is required", "EventHubs:EventHubName is required", "EventHubs:CheckpointConnectionString is required"]
        },
        { ["--EventHubs:ConnectionString=not a connection string"], ["EventHubs:ConnectionString is not an Event Hubs connection string"] },
        { [$"--EventHubs:ConnectionString={Namespace};EntityPath=events"], ["EventHubs:ConnectionString must be the namespace's connection string without EntityPath"] },
        { ["--EventHubs:EventHubName=no spaces allowed"], ["EventHubs:EventHubName 'no spaces allowed' is not an event hub name"] },
        { ["--EventHubs:ConsumerGroup= "], ["EventHubs:ConsumerGroup must name a consumer group"] },
        { ["--EventHubs:CheckpointConnectionString=Endpoint=nowhere"], ["EventHubs:CheckpointConnectionString is not an Azure Storage connection string"] },
        { ["--EventHubs:CheckpointTable=1-bad"], ["EventHubs:CheckpointTable '1-bad' is not an Azure table name"] },
        { ["--EventHubs:CheckpointInterval=00:00:00"], ["EventHubs:CheckpointInterval must be positive"] },
        { ["--EventHubs:CheckpointInterval=soon"], ["EventHubs:CheckpointInterval"] },
        { ["--Segmenter:Profile=embedded"], ["Segmenter:Transport 'eventhubs' needs Segmenter:Profile=cluster", "there is no embedded Event Hubs"] },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Wrong_Event_Hubs_settings_stop_the_silo_at_once_naming_each_setting(string[] overrides, string[] messages)
    {
        await using var silo = ChildProcess.Start(SiloDll, [.. Valid, .. overrides]);

        var exitCode = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(SiloProgram.BadConfiguration, exitCode);
        Assert.All(messages, message => Assert.Contains(message, silo.Output, StringComparison.Ordinal));
        Assert.DoesNotContain(Key, silo.Output, StringComparison.Ordinal); // a connection string's secret is never echoed
    }

    [Fact]
    public void With_Event_Hubs_the_Kafka_settings_are_not_required()
    {
        var config = Read([.. Valid, "--Kafka:BootstrapServers=", "--Kafka:ConsumerGroupId="], out var problems);

        Assert.Empty(problems);
        Assert.Equal(InputTransport.EventHubs, config.Transport);
        Assert.Equal(("events", "$Default", "SegmenterCheckpoints", false), (config.EventHubs.EventHubName, config.EventHubs.ConsumerGroup, config.EventHubs.CheckpointTable, config.EventHubs.StartFromNow));
    }

    [Fact]
    public void With_Kafka_the_Event_Hubs_settings_are_not_required()
    {
        Read(["--Segmenter:Transport=kafka", "--Kafka:BootstrapServers=127.0.0.1:9092", "--Kafka:ConsumerGroupId=segmenter", "--SchemaRegistry:Url=http://127.0.0.1:8081"], out var problems);

        Assert.Empty(problems);
    }

    [Fact]
    public async Task The_silo_registers_the_Event_Hubs_provider_and_it_passes_the_Orleans_start_up_checks_without_connecting()
    {
        string[] args = [.. Valid, "--EventHubs:ConsumerGroup=segmenter", "--EventHubs:CheckpointTable=SegmenterTest", "--EventHubs:CheckpointInterval=00:00:30", "--EventHubs:StartFromNow=true"];
        var config = Read(args, out var problems);
        Assert.Empty(problems);

        await using var app = SiloProgram.Build(WebApplication.CreateBuilder(args), config);
        var services = app.Services;

        // What Orleans checks before a silo starts: every configuration validator, the provider's included.
        var validators = services.GetServices<IConfigurationValidator>().ToList();
        foreach (var validator in validators)
            validator.ValidateConfiguration();
        Assert.Contains(validators, v => v is EventHubOptionsValidator);
        Assert.Contains(validators, v => v is StreamCheckpointerConfigurationValidator);
        Assert.Contains(validators, v => v is AzureTableStreamCheckpointerOptionsValidator);

        var checkpoints = services.GetRequiredService<IOptionsMonitor<AzureTableStreamCheckpointerOptions>>().Get(SegmenterOptions.StreamProvider);
        Assert.Equal(("SegmenterTest", TimeSpan.FromSeconds(30)), (checkpoints.TableName, checkpoints.PersistInterval));
        Assert.IsType<TableServiceClient>(checkpoints.TableServiceClient);
        Assert.True(services.GetRequiredService<IOptionsMonitor<EventHubReceiverOptions>>().Get(SegmenterOptions.StreamProvider).StartFromNow);
        Assert.NotNull(services.GetKeyedService<IStreamQueueCheckpointerFactory>(SegmenterOptions.StreamProvider));
        Assert.IsType<SegmenterEventHubDataAdapter>(services.GetRequiredKeyedService<IEventHubDataAdapter>(SegmenterOptions.StreamProvider));

        // The factory builds its Event Hubs client from the connection string; it connects only when the silo starts.
        var factory = Assert.IsType<SegmenterEventHubAdapterFactory>(services.GetRequiredKeyedService<IQueueAdapterFactory>(SegmenterOptions.StreamProvider));
        Assert.Equal(SegmenterOptions.StreamProvider, factory.Name);
    }

    [Fact]
    public async Task The_silo_reads_each_partition_through_the_progress_reporting_wrapper_named_after_the_hub()
    {
        string[] args = [.. Valid, "--EventHubs:EventHubName=device-events"];
        var config = Read(args, out var problems);
        Assert.Empty(problems);

        await using var app = SiloProgram.Build(WebApplication.CreateBuilder(args), config);
        var services = app.Services;

        // The hub is the input topic: the schedulers and their Redis keys are named after it, as the reports' source.
        Assert.Equal("device-events", services.GetRequiredService<IOptions<SegmenterOptions>>().Value.EventsTopic);
        Assert.Contains(services.GetServices<IPartitionProgressListener>(), l => l is SchedulerFeed);

        // What the wrapper's reasoning rests on: one container per delivery, checkpoints that never move back.
        Assert.Equal(1, services.GetRequiredService<IOptionsMonitor<StreamPullingAgentOptions>>().Get(SegmenterOptions.StreamProvider).BatchContainerBatchSize);
        var comparer = services.GetRequiredService<IOptionsMonitor<AzureTableStreamCheckpointerOptions>>().Get(SegmenterOptions.StreamProvider).CheckpointComparer;
        Assert.NotNull(comparer);
        Assert.True(comparer.Compare("10", "9") > 0);

        // The partitions come from an in-memory hub instead of Event Hubs; nothing is initialized, nothing connects.
        var factory = Assert.IsType<SegmenterEventHubAdapterFactory>(services.GetRequiredKeyedService<IQueueAdapterFactory>(SegmenterOptions.StreamProvider));
        factory.UseInMemoryHub(["0", "1"], (_, _, _) => new InMemoryPartition());
        var adapter = await factory.CreateAdapter();
        var queue = factory.GetStreamQueueMapper().GetAllQueues().First();
        var cache = factory.GetQueueAdapterCache().CreateQueueCache(queue);
        Assert.IsType<ProgressReportingQueue>(cache);
        Assert.Same(cache, adapter.CreateReceiver(queue));
    }

    [Fact]
    public void The_factory_refuses_a_pulling_agent_that_delivers_more_than_one_container_at_a_time()
    {
        using var services = new ServiceCollection()
            .AddOptions()
            .Configure<StreamPullingAgentOptions>(SegmenterOptions.StreamProvider, o => o.BatchContainerBatchSize = 2)
            .BuildServiceProvider();

        var refused = Assert.Throws<OrleansConfigurationException>(() => SegmenterEventHubAdapterFactory.Create(services, SegmenterOptions.StreamProvider));

        Assert.Contains("BatchContainerBatchSize = 1 (got 2)", refused.Message, StringComparison.Ordinal);
    }

    private static SiloConfiguration Read(string[] args, out IReadOnlyList<string> problems) =>
        SiloConfiguration.Read(new ConfigurationBuilder().AddCommandLine(args).Build(), out problems);
}
