using Confluent.Kafka;
using Orleans.Runtime;
using Segmenter.Streaming.Kafka.Delivery;
using ErrorCode = Confluent.Kafka.ErrorCode;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Kafka;

/// <summary>Which delivery failures are outages (retried as long as it takes) and which may dead-letter a record.</summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class TransientDeliveryFailuresTests
{
    public static TheoryData<Exception, bool> Failures() => new()
    {
        { new TimeoutException("slow"), true },
        { new SiloUnavailableException("gone"), true },
        { new OrleansException("Error from storage provider", new TimeoutException("redis")), true }, // wrapped, as Orleans' storage bridge does
        { new KafkaException(new Error(ErrorCode.Local_MsgTimedOut)), true },
        { new KafkaException(new Error(ErrorCode.Local_AllBrokersDown)), true },
        { new AggregateException(new InvalidOperationException("a"), new TimeoutException("b")), true },
        { new KafkaException(new Error(ErrorCode.MsgSizeTooLarge)), false }, // the same record fails again
        { new InvalidOperationException("a bug"), false },
        { new OrleansException("Error from storage provider", new FormatException("cannot read the state")), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void The_default_knows_outages_anywhere_in_the_chain(Exception failure, bool transient) =>
        Assert.Equal(transient, TransientDeliveryFailures.IsTransient(failure));

    [Fact]
    public void Applications_add_their_own_by_type_name()
    {
        var redisDown = TransientDeliveryFailures.Including(typeof(FormatException).FullName!);
        Assert.True(redisDown(new OrleansException("storage", new FormatException("x"))));
        Assert.True(redisDown(new TimeoutException()));
        Assert.False(redisDown(new InvalidOperationException()));
    }

    [Fact]
    public void A_listed_type_counts_with_its_subclasses_in_the_default_and_in_added_names()
    {
        Assert.True(TransientDeliveryFailures.IsTransient(new SlowStoreException())); // a TimeoutException
        Assert.True(TransientDeliveryFailures.IsTransient(new OrleansException("wrapped", new EndOfStreamException()))); // an IOException
        var added = TransientDeliveryFailures.Including(typeof(StoreDownException).FullName!);
        Assert.True(added(new ReplicaDownException()));
        Assert.False(TransientDeliveryFailures.IsTransient(new ReplicaDownException()));
    }

    [Fact]
    public void Applications_add_their_own_by_test_anywhere_in_the_chain()
    {
        var isPassing = TransientDeliveryFailures.Including(e => e is InvalidOperationException { Message: "store loading" });
        Assert.True(isPassing(new OrleansException("storage", new InvalidOperationException("store loading"))));
        Assert.True(isPassing(new AggregateException(new FormatException(), new InvalidOperationException("store loading"))));
        Assert.True(isPassing(new TimeoutException())); // the default still holds
        Assert.False(isPassing(new InvalidOperationException("a bug")));
    }

    private sealed class SlowStoreException : TimeoutException;

    private class StoreDownException : Exception;

    private sealed class ReplicaDownException : StoreDownException;
}
