using Orleans.Runtime;
using Segmenter.Hosting;
using Segmenter.Streaming.Kafka.Delivery;
using StackExchange.Redis;

namespace Segmenter.Tests.Hosting;

/// <summary>Which Redis failures a Segmenter silo treats as an outage (stall and resume) rather than a bad record.</summary>
public sealed class RedisOutagesTests
{
    private static readonly Func<Exception, bool> IsPassing = TransientDeliveryFailures.Including(RedisOutages.IsOutage);

    public static TheoryData<Exception, bool> Failures() => new()
    {
        { new RedisConnectionException(ConnectionFailureType.UnableToConnect, "It was not possible to connect"), true },
        { new RedisTimeoutException("Timeout performing EVALSHA", CommandStatus.Sent), true },
        { new RedisServerException("LOADING Redis is loading the dataset in memory"), true },
        { new RedisServerException("READONLY You can't write against a read only replica."), true },
        { new RedisServerException("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."), true },
        { new RedisServerException("TRYAGAIN Multiple keys request during rehashing of slot"), true },
        { new RedisServerException("CLUSTERDOWN The cluster is down"), true },
        { new RedisServerException("CLUSTERDOWN"), true },
        // Wrapped as Orleans' storage bridge and Task.WhenAll do.
        { new OrleansException("Error from storage provider", new RedisServerException("LOADING Redis is loading the dataset in memory")), true },
        { new AggregateException(new FormatException(), new RedisServerException("READONLY You can't write against a read only replica.")), true },
        // A server reply that the same command gets again: a bad script, a wrong type, memory full by policy.
        { new RedisServerException("ERR Error running script (call to f_1): @user_script:1: bad argument"), false },
        { new RedisServerException("WRONGTYPE Operation against a key holding the wrong kind of value"), false },
        { new RedisServerException("LOADINGX not a reply code"), false },
        { new RedisServerException("NOSCRIPT No matching script"), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Outages_are_passing_failures_and_other_server_replies_are_not(Exception failure, bool passing) =>
        Assert.Equal(passing, IsPassing(failure));
}
