using Confluent.Kafka;

namespace Segmenter.Streaming.Kafka.Producing;

/// <summary>Writes records and completes when the broker acknowledged all of them (or fails with the first error).</summary>
internal interface IRecordProducer
{
    Task ProduceAllAsync(IReadOnlyList<(string Topic, Message<byte[], byte[]> Message)> messages);
}
