// A minimal Orleans application on the Segmenter.Streaming.Kafka package: a silo reads the Kafka topic "greetings"
// through the provider, and every record reaches the grain named by its key, implicitly subscribed to the stream
// namespace "greetings". The broker is the in-process one of Segmenter.Embedded.Kafka, so nothing needs installing.
//
// It produces a few greetings with a plain Confluent.Kafka producer, plus one record without a key that the decoder
// rejects, then checks what the provider promises: every greeting delivered to its grain, the bad record in the
// dead-letter topic with its reason, and the consumer group's offsets committed past everything once delivered.
// Exit code 0 when all of that happened within the time limit; 1, with the reason, otherwise.
//
// Settings (command line or environment, as any .NET host): --SiloPort, --GatewayPort (Orleans' 11111 and 30000 by
// default), --TimeoutSeconds (60).
using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;
using Orleans.Streams.Core;
using Segmenter.Embedded.Kafka;
using Segmenter.Streaming.Kafka;
using Segmenter.Streaming.Kafka.Hosting;

const string provider = "kafka";
const string consumerGroup = "kafka-provider-sample";
string[] names = ["alice", "bob", "carol"];

var builder = Host.CreateApplicationBuilder(args);
var timeout = TimeSpan.FromSeconds(builder.Configuration.GetValue("TimeoutSeconds", 60));
builder.Logging.SetMinimumLevel(LogLevel.Warning);
// Orleans' watchdog warns once at start that its first check is "late" by the time since year 1: noise here.
builder.Logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);

// The broker: librdkafka's mock cluster in this process, with the topics the sample uses.
await using var kafka = EmbeddedKafkaCluster.Start();
kafka.CreateTopic(Greetings.Topic, partitions: 2);
kafka.CreateTopic(Greetings.DeadLetterTopic, partitions: 1);

var received = new ReceivedGreetings();
builder.Services.AddSingleton(received);
builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering(
        siloPort: builder.Configuration.GetValue("SiloPort", 11111),
        gatewayPort: builder.Configuration.GetValue("GatewayPort", 30000));
    // The Kafka stream provider: one Orleans queue per partition of "greetings", offsets committed under the
    // consumer group once the grains returned, records the decoder rejects written to the dead-letter topic.
    silo.AddKafkaStreams(provider, options =>
    {
        options.BootstrapServers = kafka.BootstrapServers;
        options.ConsumerGroupId = consumerGroup;
        options.DeadLetterTopic = Greetings.DeadLetterTopic;
        options.AddInputTopic(Greetings.Topic, _ => new GreetingDecoder());
    });
});

using var host = builder.Build();
await host.StartAsync();
Console.WriteLine($"silo started; Kafka at {kafka.BootstrapServers}");

// Records as any Kafka producer writes them: the key names the grain, the value is the text.
var sent = new List<(string To, string Text)>();
using (var producer = new ProducerBuilder<string?, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
{
    foreach (var round in new[] { "hello", "how are you?" })
    {
        foreach (var name in names)
        {
            await producer.ProduceAsync(Greetings.Topic, new Message<string?, string> { Key = name, Value = $"{round} {name}" });
            sent.Add((name, $"{round} {name}"));
        }
    }

    await producer.ProduceAsync(Greetings.Topic, new Message<string?, string> { Key = null, Value = "a greeting for nobody" });
}

Console.WriteLine($"produced {sent.Count} greetings and 1 record without a key to '{Greetings.Topic}'");

var failures = new List<string>();
using var deadline = new CancellationTokenSource(timeout);

// 1. Every greeting reaches its grain, in order per grain.
if (!await received.WaitForAsync(sent.Count, deadline.Token))
    failures.Add($"the grains received {received.Count} of {sent.Count} greetings within {timeout.TotalSeconds:0} s");
foreach (var greeting in received.All.OrderBy(g => g.To, StringComparer.Ordinal).ThenBy(g => g.Offset))
    Console.WriteLine($"grain '{greeting.To}' received '{greeting.Text}' ({Greetings.Topic}[{greeting.Partition}]@{greeting.Offset})");
foreach (var name in names)
{
    var expected = sent.Where(s => s.To == name).Select(s => s.Text).ToList();
    var got = received.All.Where(g => g.To == name).OrderBy(g => g.Offset).Select(g => g.Text).ToList();
    if (!expected.SequenceEqual(got))
        failures.Add($"grain '{name}' received [{string.Join(", ", got)}], expected [{string.Join(", ", expected)}]");
}

// 2. The record without a key is in the dead-letter topic, with the decoder's kind and reason in its headers.
var deadLetter = ReadDeadLetter(kafka.BootstrapServers, deadline.Token);
if (deadLetter is null)
    failures.Add($"no dead letter in '{Greetings.DeadLetterTopic}' within {timeout.TotalSeconds:0} s");
else
    Console.WriteLine($"dead letter: kind {deadLetter.Value.Kind}, reason '{deadLetter.Value.Reason}', value '{deadLetter.Value.Value}'");

// 3. Offsets are committed only after delivery: once everything was delivered they reach each partition's end.
var committed = await WaitForCommitsAsync(kafka.BootstrapServers, deadline.Token);
Console.WriteLine($"committed offsets of group '{consumerGroup}': {string.Join(", ", committed.Select(c => $"{Greetings.Topic}{c.Partition}={c.Committed} (end {c.End})"))}");
if (committed.Any(c => c.Committed != c.End))
    failures.Add("the consumer group's offsets did not reach the end of every partition after delivery");

await host.StopAsync();

if (failures.Count > 0)
{
    foreach (var failure in failures)
        Console.Error.WriteLine($"FAILED: {failure}");
    return 1;
}

Console.WriteLine($"OK: {sent.Count} greetings delivered to {names.Length} grains, 1 dead letter, offsets committed");
return 0;

static (string Kind, string Reason, string Value)? ReadDeadLetter(string bootstrapServers, CancellationToken cancellationToken)
{
    using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
    {
        BootstrapServers = bootstrapServers,
        GroupId = "kafka-provider-sample-dead-letters",
        EnableAutoCommit = false,
    }).Build();
    consumer.Assign(new TopicPartitionOffset(Greetings.DeadLetterTopic, 0, Offset.Beginning));
    while (!cancellationToken.IsCancellationRequested)
    {
        var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
        if (result is null)
            continue;
        string Header(string key) =>
            result.Message.Headers.TryGetLastBytes(key, out var bytes) ? Encoding.UTF8.GetString(bytes) : "(missing)";
        return (Header("dlq.kind"), Header("dlq.reason"), result.Message.Value);
    }

    return null;
}

static async Task<List<(Partition Partition, long Committed, long End)>> WaitForCommitsAsync(string bootstrapServers, CancellationToken cancellationToken)
{
    using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = consumerGroup }).Build();
    var partitions = new[] { new TopicPartition(Greetings.Topic, 0), new TopicPartition(Greetings.Topic, 1) };
    while (true)
    {
        var committed = consumer.Committed(partitions, TimeSpan.FromSeconds(5))
            .Select(c => (c.Partition, Committed: c.Offset.Value,
                End: consumer.QueryWatermarkOffsets(c.TopicPartition, TimeSpan.FromSeconds(5)).High.Value))
            .ToList();
        if (committed.All(c => c.Committed == c.End) || cancellationToken.IsCancellationRequested)
            return committed;
        await Task.Delay(200, CancellationToken.None);
    }
}

/// <summary>The sample's topics.</summary>
internal static class Greetings
{
    public const string Topic = "greetings";
    public const string DeadLetterTopic = "greetings-dead-letters";
}

/// <summary>A greeting as the grains receive it: an Orleans-serializable event, with where it was read from.</summary>
[GenerateSerializer, Immutable]
public sealed record Greeting([property: Id(0)] string To, [property: Id(1)] string Text, [property: Id(2)] int Partition, [property: Id(3)] long Offset);

/// <summary>
/// Turns a record of "greetings" into the event for the stream of the grain its key names. A record without a key can
/// never be delivered, so it is poison: the provider writes it to the dead-letter topic and reads on.
/// </summary>
internal sealed class GreetingDecoder : IKafkaRecordDecoder
{
    public ValueTask<KafkaDecodeResult> DecodeAsync(ConsumeResult<byte[], byte[]> record, CancellationToken cancellationToken)
    {
        if (record.Message.Key is not { Length: > 0 } key)
            return ValueTask.FromResult(KafkaDecodeResult.Poison("NoKey", "a greeting needs a key: the name of the grain it is for"));
        var to = Encoding.UTF8.GetString(key);
        var text = Encoding.UTF8.GetString(record.Message.Value ?? []);
        var greeting = new Greeting(to, text, record.Partition.Value, record.Offset.Value);
        return ValueTask.FromResult(KafkaDecodeResult.Decoded(StreamId.Create(Greetings.Topic, to), greeting));
    }
}

/// <summary>What the grains were given, for the program to check (a singleton of the silo's services).</summary>
public sealed class ReceivedGreetings
{
    private readonly ConcurrentDictionary<(int Partition, long Offset), Greeting> _greetings = new();
    private readonly SemaphoreSlim _changed = new(0);

    public int Count => _greetings.Count;

    public IReadOnlyCollection<Greeting> All => [.. _greetings.Values];

    /// <summary>Keeps a greeting once, by its position: delivery is at least once, so a replay would come again.</summary>
    public void Add(Greeting greeting)
    {
        _greetings.TryAdd((greeting.Partition, greeting.Offset), greeting);
        _changed.Release();
    }

    public async Task<bool> WaitForAsync(int count, CancellationToken cancellationToken)
    {
        try
        {
            while (Count < count)
                await _changed.WaitAsync(cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

public interface IGreetingGrain : IGrainWithStringKey
{
}

/// <summary>
/// One grain per name, activated by the first greeting for it: implicitly subscribed to the stream namespace
/// "greetings", so the stream keyed by its name is delivered to it without any subscribe call.
/// </summary>
[ImplicitStreamSubscription(Greetings.Topic)]
public sealed class GreetingGrain(ReceivedGreetings received) : Grain, IGreetingGrain, IStreamSubscriptionObserver, IAsyncObserver<Greeting>
{
    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<Greeting>().ResumeAsync(this);

    public Task OnNextAsync(Greeting item, StreamSequenceToken? token = null)
    {
        // The provider commits this record's offset only after this returns.
        received.Add(item);
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
