using Orleans.Streams;
using Orleans.Streams.Core;

namespace Segmenter.Tests.Kafka;

public interface IRecordingGrain : IGrainWithStringKey
{
    /// <summary>Publishes <paramref name="values"/> on the output namespace under this grain's key.</summary>
    Task Publish(string provider, string streamNamespace, IReadOnlyList<string> values);
}

/// <summary>Implicitly subscribed to the test namespace; records every event it is given, in order.</summary>
[ImplicitStreamSubscription(KafkaProviderTests.Namespace)]
public sealed class RecordingGrain : Grain, IRecordingGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<TestEvent>
{
    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<TestEvent>().ResumeAsync(this);

    public async Task OnNextAsync(IList<SequentialItem<TestEvent>> items)
    {
        TestEventSink.FailIfChosen([.. items.Select(i => i.Item)]);
        foreach (var item in items)
        {
            TestEventSink.Record(item.Item);
            await TestEventSink.WaitIfHeld(item.Item);
        }
    }

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    public async Task Publish(string provider, string streamNamespace, IReadOnlyList<string> values)
    {
        var stream = this.GetStreamProvider(provider).GetStream<string>(streamNamespace, this.GetPrimaryKeyString());
        await stream.OnNextBatchAsync(values);
    }
}
