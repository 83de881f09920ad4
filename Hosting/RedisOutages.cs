using StackExchange.Redis;

namespace Segmenter.Hosting;

/// <summary>
/// Redis failures that mean "the store is down or changing hands", not "this record is bad": a delivery failing with
/// one stalls and resumes when Redis is back (bounded by the provider's <c>PassingFailureLimit</c>), never dead-letters
/// after a few attempts.
/// </summary>
public static class RedisOutages
{
    /// <summary>
    /// Server replies of a Redis that cannot serve now: still loading its data after a restart, a replica that was
    /// written to during a failover, a replica cut off from its primary, a cluster slot migrating or a cluster down.
    /// </summary>
    private static readonly string[] OutageReplies = ["LOADING", "READONLY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN"];

    /// <summary>
    /// True for the client's connection and timeout exceptions (and their subclasses) and for a server reply above.
    /// Orleans calls this for each exception of the chain.
    /// </summary>
    public static bool IsOutage(Exception failure) => failure switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        RedisServerException server => OutageReplies.Any(reply => IsReply(server.Message, reply)),
        _ => false,
    };

    /// <summary>A reply is its code, then a space or nothing ("LOADING Redis is loading the dataset in memory").</summary>
    private static bool IsReply(string message, string code) =>
        message.StartsWith(code, StringComparison.Ordinal) && (message.Length == code.Length || message[code.Length] == ' ');
}
