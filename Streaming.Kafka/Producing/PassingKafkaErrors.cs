using Confluent.Kafka;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace Segmenter.Streaming.Kafka.Producing;

/// <summary>
/// Kafka errors that say "not now" rather than "never": the broker or the leader cannot be reached, a queue is full, a
/// request timed out. Retrying the same record can succeed once the outage ends; any other error repeats for the same
/// record (too large, an invalid timestamp or record, a policy that refuses it).
/// </summary>
internal static class PassingKafkaErrors
{
    private static readonly HashSet<ErrorCode> Codes =
    [
        ErrorCode.Local_MsgTimedOut, ErrorCode.Local_Transport, ErrorCode.Local_AllBrokersDown, ErrorCode.Local_TimedOut,
        ErrorCode.Local_QueueFull, ErrorCode.RequestTimedOut, ErrorCode.NetworkException, ErrorCode.LeaderNotAvailable,
        ErrorCode.NotLeaderForPartition, ErrorCode.NotEnoughReplicas, ErrorCode.NotEnoughReplicasAfterAppend,
        ErrorCode.BrokerNotAvailable, ErrorCode.NotCoordinatorForGroup, ErrorCode.GroupLoadInProgress,
        // A topic that is being created, or whose metadata has not reached this client yet. A topic that is missing for
        // good is a setting to fix: the partition stalls visibly until it exists, rather than losing what it writes.
        ErrorCode.Local_UnknownTopic, ErrorCode.UnknownTopicOrPart,
    ];

    /// <remarks>
    /// A fatal error (the idempotent producer lost its sequence) fails every later record of the producer until the
    /// process restarts: retrying stalls visibly, where giving up would dead-letter or drop everything that follows.
    /// </remarks>
    public static bool Contains(Error error) => error.IsFatal || Codes.Contains(error.Code);
}
