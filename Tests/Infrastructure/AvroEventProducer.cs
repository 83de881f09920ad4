using Confluent.Kafka;
using Segmenter.Contracts;
using Segmenter.Serialization;

namespace Segmenter.Tests.Infrastructure;

/// <summary>Produces device events to an <c>events</c> topic as the driver does: Avro via the registry, murmur2 placement.</summary>
internal sealed class AvroEventProducer(EmbeddedKafkaFixture kafka, SchemaRegistryFixture registry, string topic) : IDisposable
{
    private readonly ContractSerdes _serdes = new(registry.NewClient());
    private readonly IProducer<byte[], byte[]> _producer = kafka.NewProducer();

    public async Task<SourcePosition> ProduceAsync(string deviceId, Envelope envelope)
    {
        var key = await _serdes.DeviceSerializer.SerializeAsync(new Device(deviceId), new SerializationContext(MessageComponentType.Key, topic));
        var value = await _serdes.EnvelopeSerializer.SerializeAsync(envelope, new SerializationContext(MessageComponentType.Value, topic));
        var delivered = await _producer.ProduceAsync(topic, new Message<byte[], byte[]> { Key = key, Value = value, Timestamp = new Timestamp(envelope.Timestamp) });
        return new SourcePosition(delivered.Partition.Value, delivered.Offset.Value);
    }

    public void Dispose() => _producer.Dispose();
}
