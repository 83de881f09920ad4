using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Segmenter.Contracts;
using Segmenter.Grains.Options;
using Segmenter.Streaming.Kafka;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Pipeline;

/// <summary>
/// An idempotent timeout: the summary of a session closed by rule 4 is recorded in the state before it is published. If
/// the publish fails, the device must be woken again until the summary is out — even though no event will ever come
/// for it and its activation ended with the failure — and it must not be purged meanwhile.
/// </summary>
[Collection(KafkaTestGroup.Name)]
public sealed class PipelineTimeoutPublishTests(EmbeddedKafkaFixture kafka, SchemaRegistryFixture registry, RedisFixture redis)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_timeout_summary_whose_publish_failed_is_published_once_without_a_further_event()
    {
        var failures = new SummaryPublishFailures(times: 2);
        await using var pipeline = await SegmenterTestPipeline.StartAsync(kafka, registry, redis, partitions: 1,
            rules: r =>
            {
                r.InactivityTimeout = TimeSpan.FromSeconds(1);
                r.PurgeAfter = TimeSpan.FromSeconds(2); // shorter than the retries take: a purge would lose the summary
            },
            silo: silo => silo.Services.PostConfigure<KafkaStreamOptions>(SegmenterOptions.StreamProvider, options => failures.Wrap(options)));
        var t0 = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        await pipeline.ProduceAsync("flaky", new Envelope(DeviceWokeUp.Instance, t0, 1));
        await pipeline.ProduceAsync("flaky", new Envelope(new DataReceived("temperature", 20), t0.AddMilliseconds(10), 2));

        await SegmenterTestPipeline.WaitUntilAsync(() => pipeline.Summaries.Any(s => s.DeviceId == "flaky"), Patience,
            "the timed-out session's summary after its failed publishes");
        Assert.Equal(2, failures.Failed);
        await pipeline.WaitUntilInputCommittedAsync(Patience);

        // A witness that the scheduler went on after the publish: the device's state is purged once idle, which is
        // only possible once the pending summary was cleared.
        await SegmenterTestPipeline.WaitUntilAsync(() => redis.Keys($"{pipeline.Run}/state/*").Count == 0
            && !redis.Database.KeyExists(pipeline.DeadlineKey(0, "purge")), Patience, "the idle device's purge");

        var summary = Assert.Single(pipeline.Summaries, s => s.DeviceId == "flaky");
        Assert.Equal(CloseReason.TimedOut, summary.Reason);
        Assert.Equal(2, summary.EventCount);
        Assert.Equal(2, pipeline.Events.Count(e => e.Key.Device.Id == "flaky"));
    }

    /// <summary>Makes the first <c>times</c> TimedOut summaries fail to encode, as a broker refusing the write would.</summary>
    private sealed class SummaryPublishFailures(int times)
    {
        private int _failed;

        public int Failed => Volatile.Read(ref _failed);

        public void Wrap(KafkaStreamOptions options)
        {
            var topic = options.Topics.Single(t => t.IsOutput && t.Namespace == StreamNamespaces.Sessions);
            var inner = topic.Encoder!;
            topic.Encoder = services => new FailingEncoder(inner(services), this);
        }

        private bool ShouldFail()
        {
            while (true)
            {
                var failed = Volatile.Read(ref _failed);
                if (failed >= times)
                    return false;
                if (Interlocked.CompareExchange(ref _failed, failed + 1, failed) == failed)
                    return true;
            }
        }

        private sealed class FailingEncoder(IKafkaRecordEncoder inner, SummaryPublishFailures failures) : IKafkaRecordEncoder
        {
            public ValueTask<Message<byte[], byte[]>> EncodeAsync(StreamId streamId, object item, CancellationToken cancellationToken) =>
                item is SessionSummary { Reason: CloseReason.TimedOut } && failures.ShouldFail()
                    ? throw new InvalidOperationException("the sessions topic refused the summary (test)")
                    : inner.EncodeAsync(streamId, item, cancellationToken);
        }
    }
}
