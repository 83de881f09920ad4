using System.CommandLine;
using Microsoft.Extensions.Logging;
using Segmenter.Embedded;

// The embedded infrastructure as a process of its own, so several silo processes (and the driver and reader) can share
// one Kafka, one schema registry and one Redis on this machine. In memory, for development only.
var kafkaPort = new Option<int>("--kafka-port") { Description = "Fixed port of the first Kafka broker (0: a free port).", DefaultValueFactory = _ => 9092 };
var brokers = new Option<int>("--brokers") { Description = "Number of Kafka brokers.", DefaultValueFactory = _ => 1 };
var topics = new Option<string[]>("--topic") { Description = "Topic to create (repeatable).", DefaultValueFactory = _ => ["events", "session-events", "sessions", "events-dead-letters"], AllowMultipleArgumentsPerToken = true };
var partitions = new Option<int>("--partitions") { Description = "Partitions per created topic.", DefaultValueFactory = _ => 8 };
var registryPort = new Option<int>("--schema-registry-port") { Description = "Port of the schema registry (0: none).", DefaultValueFactory = _ => 8081 };
var redisPort = new Option<int>("--redis-port") { Description = "Port of the local redis-server (0: none).", DefaultValueFactory = _ => 6379 };
var saslUsers = new Option<string[]>("--sasl-user") { Description = "user:password Kafka clients must authenticate as (SASL_PLAINTEXT with PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; repeatable). None: plaintext.", AllowMultipleArgumentsPerToken = true };
var registryUserInfo = new Option<string>("--schema-registry-user-info") { Description = "user:password the schema registry requires (HTTP basic authentication). None: open." };
var dataDirectory = new Option<string>("--data") { Description = "Folder of Redis' append-only file.", DefaultValueFactory = _ => Path.Combine(".data", "redis") };

var root = new RootCommand("Segmenter's embedded infrastructure: Kafka (librdkafka mock cluster), schema registry and Redis on 127.0.0.1. In memory (Redis on disk), for development only. Ctrl-C stops it.")
{
    kafkaPort, brokers, topics, partitions, registryPort, redisPort, dataDirectory, saslUsers, registryUserInfo,
};
root.SetAction(async (parse, cancellationToken) =>
{
    using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
    var logger = loggerFactory.CreateLogger("Segmenter.Embedded");
    var options = new EmbeddedInfrastructureOptions
    {
        KafkaPort = parse.GetValue(kafkaPort),
        Brokers = parse.GetValue(brokers),
        Partitions = parse.GetValue(partitions),
        SchemaRegistry = parse.GetValue(registryPort) > 0,
        SchemaRegistryPort = parse.GetValue(registryPort),
        Redis = parse.GetValue(redisPort) > 0,
        RedisPort = parse.GetValue(redisPort),
        DataDirectory = parse.GetValue(dataDirectory)!,
        SchemaRegistryUserInfo = parse.GetValue(registryUserInfo),
    };
    var users = (parse.GetValue(saslUsers) ?? []).Select(u => u.Split(':', 2)).ToList();
    if (users.Any(u => u.Length != 2 || u[0].Length == 0 || u[1].Length == 0))
    {
        await Console.Error.WriteLineAsync("--sasl-user must be user:password, both parts non-empty.");
        return 2;
    }

    if (users.Count > 0)
        options.KafkaSecurity = new Segmenter.Embedded.Kafka.Security.EmbeddedKafkaSecurity { Users = users.ToDictionary(u => u[0], u => u[1]) };
    options.Topics.AddRange(parse.GetValue(topics)!);
    try
    {
        // Ctrl-C and SIGTERM (docker stop, kill) both end the run cleanly: the child redis-server goes too.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var onInterrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var onTerminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        await using var infrastructure = await EmbeddedInfrastructure.StartAsync(options, logger, stop.Token);
        Console.WriteLine($"kafka={infrastructure.BootstrapServers} schema-registry={infrastructure.SchemaRegistryUrl} redis={infrastructure.RedisConnectionString}");
        await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        LogStopping(logger);
        return 0;
    }
    catch (EmbeddedInfrastructureException e)
    {
        await Console.Error.WriteLineAsync(e.Message);
        return 3;
    }
});
return await root.Parse(args).InvokeAsync();

/// <summary>The program's own log line; its other lines come from <see cref="EmbeddedInfrastructure"/>.</summary>
internal static partial class Program
{
    [LoggerMessage(LogLevel.Information, "Stopping", EventId = 6003)]
    private static partial void LogStopping(ILogger logger);
}
