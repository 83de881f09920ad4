using System.Reflection;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using Orleans.Serialization.Invocation;
using Segmenter.Streaming.Kafka;
using Segmenter.Streaming.Kafka.Delivery;
using Segmenter.Streaming.Kafka.Metrics;
using Segmenter.Streaming.Kafka.Producing;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Kafka;

/// <summary>
/// The bounds on a delivery that keeps failing and what is dead-lettered when they are reached, through the call filter
/// as the pulling agent drives it: the same container is handed over again after each failed attempt, time passes
/// between attempts (a fake clock), and the agent stops once a call returns.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class DeliveryFailurePolicyTests
{
    private static readonly StreamId Stream = StreamId.Create("ns", "device-1");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly RecordingProducer _dlq = new();
    private readonly KafkaStreamOptions _options = new() { DeliveryAttempts = 3, DeliveryFailureMinimumTime = TimeSpan.FromMinutes(1), PassingFailureLimit = TimeSpan.FromMinutes(15) };

    [Fact]
    public async Task A_failure_that_is_not_passing_is_given_up_on_after_the_attempts_and_the_minimum_time_both()
    {
        var container = Container(10);
        var consumer = new Consumer(_ => new InvalidOperationException("cannot"));

        var attempts = await DeliverAsync(container, consumer, every: TimeSpan.FromSeconds(5));

        // Three attempts were made after 10 s; the minimum minute kept it going until the attempt at 60 s.
        Assert.Equal(13, attempts);
        var letter = Assert.Single(_dlq.Letters);
        Assert.Equal(("10", DeliveryFailurePolicy.Kind), (Header(letter, DeadLetterPublisher.SourceOffsetHeader), Header(letter, DeadLetterPublisher.KindHeader)));
        Assert.Equal($"Delivery to the consumers of stream {Stream} failed 13 times over 60 s; last: System.InvalidOperationException: cannot", Header(letter, DeadLetterPublisher.ReasonHeader));
        Assert.Empty(consumer.Delivered);
    }

    [Fact]
    public async Task A_passing_failure_is_retried_past_the_attempts_and_given_up_on_at_the_time_limit()
    {
        var container = Container(10);
        var consumer = new Consumer(_ => new TimeoutException("Response did not arrive on time"));

        var attempts = await DeliverAsync(container, consumer, every: TimeSpan.FromSeconds(30));

        Assert.Equal(31, attempts); // the first at 0, the last at 15 min
        Assert.Equal($"Delivery to the consumers of stream {Stream} kept failing for 15 min (31 attempts; a delivery is retried for at most 15 min); last: System.TimeoutException: Response did not arrive on time",
            Header(Assert.Single(_dlq.Letters), DeadLetterPublisher.ReasonHeader));
    }

    [Fact]
    public async Task Of_several_records_read_together_only_the_one_that_fails_alone_is_dead_lettered_and_the_others_are_delivered_once_in_order()
    {
        var container = Container(10, 11, 12, 13);
        var consumer = new Consumer(batch => batch.Offsets.Contains(12) ? new InvalidOperationException("record 12 is cursed") : null);
        _options.DeliveryFailureMinimumTime = TimeSpan.Zero;

        await DeliverAsync(container, consumer, every: TimeSpan.FromSeconds(1));

        Assert.Equal([10, 11, 13], consumer.Delivered);
        Assert.Equal([4, 4, 4, 1, 1, 1, 1], consumer.Sizes); // three attempts of the container, then one record at a time
        var letter = Assert.Single(_dlq.Letters);
        Assert.Equal("12", Header(letter, DeadLetterPublisher.SourceOffsetHeader));
        Assert.Equal($"Delivery to the consumers of stream {Stream} of the 4 records read together at offsets 10..13 failed 3 times over 2 s; " +
            "delivered alone, this record failed too: System.InvalidOperationException: record 12 is cursed", Header(letter, DeadLetterPublisher.ReasonHeader));
    }

    [Fact]
    public async Task A_passing_failure_while_delivering_one_by_one_goes_back_to_the_agent_whose_retry_resumes_at_that_record()
    {
        var container = Container(10, 11, 12);
        var slowCalls = 0;
        var consumer = new Consumer(batch =>
        {
            if (batch.Events.Length > 1)
                return new InvalidOperationException("together they fail");
            if (batch.Offsets[0] == 11 && slowCalls++ == 0)
                return new TimeoutException("slow"); // the first time only
            return null;
        });
        _options.DeliveryFailureMinimumTime = TimeSpan.Zero;

        var attempts = await DeliverAsync(container, consumer, every: TimeSpan.FromSeconds(1));

        Assert.Equal(4, attempts); // three of the container, and the retry of 11
        Assert.Equal([10, 11, 12], consumer.Delivered);
        Assert.Equal([3, 3, 3, 1, 1, 1, 1], consumer.Sizes); // 10, 11 (slow), then on the agent's retry 11 and 12: 10 is not delivered twice
        Assert.Empty(_dlq.Letters);
    }

    [Fact]
    public async Task Once_the_time_limit_is_spent_a_passing_failure_alone_dead_letters_the_records_not_yet_delivered_together()
    {
        // A grain that hangs on record 11 (every call with it times out): it cannot be told from an outage, so 11 and
        // what follows it go together, with a reason naming the container.
        var container = Container(10, 11, 12);
        var consumer = new Consumer(batch => batch.Offsets.Contains(11) ? new TimeoutException("Response did not arrive on time") : null);

        await DeliverAsync(container, consumer, every: TimeSpan.FromMinutes(5));

        Assert.Equal([10], consumer.Delivered);
        Assert.Equal(["11", "12"], _dlq.Letters.Select(l => Header(l, DeadLetterPublisher.SourceOffsetHeader)));
        Assert.All(_dlq.Letters, l => Assert.Equal(
            $"Delivery to the consumers of stream {Stream} of the 3 records read together at offsets 10..12 kept failing for 15 min (5 attempts; a delivery is retried for at most 15 min); " +
            "delivered one by one, the record at offset 11 failed for a passing reason too, so it and the 1 after it are dead-lettered together; last: System.TimeoutException: Response did not arrive on time",
            Header(l, DeadLetterPublisher.ReasonHeader)));
    }

    [Fact]
    public async Task Each_consumer_of_a_stream_counts_its_own_failures()
    {
        var container = Container(10);
        _options.DeliveryFailureMinimumTime = TimeSpan.Zero;
        var failing = new Consumer(_ => new InvalidOperationException("cannot"));
        var healthy = new Consumer(_ => null);

        await DeliverAsync(container, failing, every: TimeSpan.FromSeconds(1), attempts: 2);
        await DeliverAsync(container, healthy, every: TimeSpan.FromSeconds(1));

        Assert.Equal([10], healthy.Delivered);
        Assert.Empty(_dlq.Letters); // the failing consumer has used two of its three attempts
        await DeliverAsync(container, failing, every: TimeSpan.FromSeconds(1));
        Assert.Single(_dlq.Letters);
    }

    /// <summary>
    /// Delivers as the pulling agent does: the same container again after each failed call, <paramref name="every"/>
    /// apart, until a call returns (or <paramref name="attempts"/> calls were made). Returns the calls made.
    /// </summary>
    private async Task<int> DeliverAsync(KafkaBatchContainer container, Consumer consumer, TimeSpan every, int attempts = 1_000)
    {
        var filter = new KafkaDeliveryFailureFilter();
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            using var context = new DeliveryContext(consumer, container);
            try
            {
                await filter.Invoke(context);
                Assert.Same(container, context.Request.GetArgument(2)); // the agent's request is left as it was
                return attempt;
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                Assert.Same(container, context.Request.GetArgument(2));
                _time.Advance(every);
            }
        }

        return attempts;
    }

    private KafkaBatchContainer Container(params long[] offsets)
    {
        var records = offsets.Select(o => new ConsumeResult<byte[], byte[]>
        {
            Topic = "events",
            Partition = 0,
            Offset = o,
            Message = new Message<byte[], byte[]> { Key = "device-1"u8.ToArray(), Value = Encoding.UTF8.GetBytes($"v{o}") },
        }).ToList();
        var publisher = new DeadLetterPublisher(_dlq, "dlq", new KafkaStreamMetrics($"policy-{Guid.NewGuid():N}"), new RecordingLogger());
        var policy = new DeliveryFailurePolicy("events", 0, _options, publisher, _time, new RecordingLogger());
        return new KafkaBatchContainer(Stream, 0, offsets, [.. offsets.Select(o => (object)$"v{o}")]).WithDelivery(records, policy);
    }

    private static string Header(Message<byte[], byte[]> message, string name) => Encoding.UTF8.GetString(message.Headers.GetLastBytes(name));

    /// <summary>A stream consumer: fails a delivery when <paramref name="fails"/> says so, else takes its events.</summary>
    private sealed class Consumer(Func<KafkaBatchContainer, Exception?> fails)
    {
        public GuidId Subscription { get; } = GuidId.GetNewGuidId();
        public List<long> Delivered { get; } = [];
        public List<int> Sizes { get; } = [];

        public Task Deliver(KafkaBatchContainer batch)
        {
            Sizes.Add(batch.Events.Length);
            if (fails(batch) is { } failure)
                return Task.FromException(failure);
            Delivered.AddRange(batch.Offsets);
            return Task.CompletedTask;
        }
    }

    private sealed class RecordingProducer : IRecordProducer
    {
        public List<Message<byte[], byte[]>> Letters { get; } = [];

        public Task ProduceAllAsync(IReadOnlyList<(string Topic, Message<byte[], byte[]> Message)> messages)
        {
            lock (Letters)
                Letters.AddRange(messages.Select(m => m.Message));
            return Task.CompletedTask;
        }
    }

    /// <summary>The agent's <c>DeliverBatch(subscription, stream, container, token)</c> call as an outgoing filter sees it.</summary>
    private sealed class DeliveryContext(Consumer consumer, KafkaBatchContainer container) : IOutgoingGrainCallContext, IDisposable
    {
        private readonly DeliverBatchRequest _request = new([consumer.Subscription, null, container, null]);

        public IInvokable Request => _request;
        public object Grain => this;
        public GrainId? SourceId => null;
        public GrainId TargetId { get; } = GrainId.Create("consumer", consumer.Subscription.Guid.ToString("N"));
        public GrainInterfaceType InterfaceType => default;
        public string InterfaceName => "IStreamConsumerExtension";
        public string MethodName => "DeliverBatch";
        public MethodInfo InterfaceMethod => throw new NotSupportedException();
        public object? Result { get; set; }
        public Response? Response { get; set; }
        public IGrainContext? SourceContext => null;

        public Task Invoke() => consumer.Deliver((KafkaBatchContainer)_request.GetArgument(2)!);

        public void Dispose() => _request.Dispose();
    }

    /// <summary>Only the arguments matter to the filter; disposing a request the test made frees nothing.</summary>
    private sealed class DeliverBatchRequest(object?[] arguments) : IInvokable
    {
        public object? GetTarget() => null;
        public void SetTarget(ITargetHolder holder) => throw new NotSupportedException();
        public ValueTask<Response> Invoke() => throw new NotSupportedException();
        public int GetArgumentCount() => arguments.Length;
        public object? GetArgument(int index) => arguments[index];
        public void SetArgument(int index, object value) => arguments[index] = value;
        public string GetMethodName() => "DeliverBatch";
        public string GetInterfaceName() => "IStreamConsumerExtension";
        public string GetActivityName() => "DeliverBatch";
        public MethodInfo GetMethod() => throw new NotSupportedException();
        public Type GetInterfaceType() => typeof(object);
        public void Dispose()
        {
        }
    }
}
