using Segmenter.Contracts;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Pipeline;

/// <summary>The five cases of the demo's own test suite, end to end through Kafka, the grain and Redis.</summary>
[Collection(KafkaTestGroup.Name)]
public sealed class PipelineDemoSuiteTests(EmbeddedKafkaFixture kafka, SchemaRegistryFixture registry, RedisFixture redis)
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_demo_suite_holds_end_to_end()
    {
        await using var pipeline = await SegmenterTestPipeline.StartAsync(kafka, registry, redis, partitions: 2,
            rules: o => { o.InactivityTimeout = TimeSpan.FromSeconds(2); o.PurgeAfter = TimeSpan.FromSeconds(4); });

        // forward device events
        await pipeline.ProduceAsync("forward", new Envelope(DeviceWokeUp.Instance, T0));
        // maintain session key for a session
        await pipeline.ProduceAsync("maintain", new Envelope(DeviceWokeUp.Instance, T0));
        await pipeline.ProduceAsync("maintain", new Envelope(new DataReceived("temperature", 5), T0.AddSeconds(1)));
        // create new session key for new sessions
        await pipeline.ProduceAsync("new-key", new Envelope(DeviceWokeUp.Instance, T0));
        await pipeline.ProduceAsync("new-key", new Envelope(DeviceWokeUp.Instance, T0.AddSeconds(0.5)));
        await pipeline.ProduceAsync("new-key", new Envelope(new DataReceived("temperature", 5), T0.AddSeconds(1)));
        // forward session closing
        await pipeline.ProduceAsync("closing", new Envelope(DeviceWokeUp.Instance, T0));
        await pipeline.ProduceAsync("closing", new Envelope(AllDataReceived.Instance, T0.AddSeconds(1)));
        // purge sessions after timeout
        await pipeline.ProduceAsync("purge", new Envelope(DeviceWokeUp.Instance, T0));

        await SegmenterTestPipeline.WaitUntilAsync(() => pipeline.Events.Count >= 9, Patience, "9 session events");
        IReadOnlyList<OutputEvent> Of(string device) => [.. pipeline.Events.Where(e => e.Key.Device.Id == device).OrderBy(e => e.Source)];

        var forwarded = Assert.Single(Of("forward"));
        Assert.Equal(DeviceWokeUp.Instance, forwarded.Envelope.Event);
        Assert.Equal((await pipeline.Device("forward").GetOpenSession())?.SessionId, forwarded.Key.SessionId);

        Assert.Equal(Of("maintain")[0].Key, Of("maintain")[1].Key);
        Assert.Equal(new DataReceived("temperature", 5), Of("maintain")[1].Envelope.Event);

        Assert.NotEqual(Of("new-key")[0].Key, Of("new-key")[1].Key);
        Assert.Equal(Of("new-key")[1].Key, Of("new-key")[2].Key);

        Assert.Equal(Of("closing")[0].Key, Of("closing")[1].Key);

        Assert.NotNull(await pipeline.Device("purge").GetSnapshot());
        await SegmenterTestPipeline.WaitUntilAsync(() => pipeline.Summaries.Any(s => s.DeviceId == "purge"), Patience, "the timeout of 'purge'");
        Assert.Equal(CloseReason.TimedOut, pipeline.Summaries.Single(s => s.DeviceId == "purge").Reason);
        var purged = false;
        var deadline = DateTime.UtcNow + Patience;
        while (!purged && DateTime.UtcNow < deadline)
        {
            purged = await pipeline.Device("purge").GetSnapshot() is null;
            await Task.Delay(200);
        }

        Assert.True(purged, "the device's state was not purged after PurgeAfter");
    }
}
