using Confluent.Kafka;
using Orleans.Runtime;

namespace Segmenter.Streaming.Kafka;

/// <summary>
/// Turns an event published on an Orleans stream into the Kafka record to produce (key, value, headers). One per
/// output topic. The record is partitioned by its key with Kafka's default (murmur2) partitioner.
/// </summary>
public interface IKafkaRecordEncoder
{
    /// <summary>
    /// Encodes one published event. The publisher's <c>OnNextAsync</c> (or <c>OnNextBatchAsync</c>) completes only once
    /// Kafka acknowledged every record of the call; the events of a call are all encoded before any is produced, so an
    /// exception here fails the call and produces none of its events.
    /// </summary>
    /// <param name="streamId">The stream the event was published on (namespace and key).</param>
    /// <param name="item">The event, as the publisher passed it.</param>
    /// <param name="cancellationToken">Part of the contract for encoders that call out (a schema registry); the provider passes <see cref="CancellationToken.None"/> today.</param>
    /// <returns>The record to produce; its key decides the partition (murmur2, as Kafka's own clients).</returns>
    ValueTask<Message<byte[], byte[]>> EncodeAsync(StreamId streamId, object item, CancellationToken cancellationToken);
}
