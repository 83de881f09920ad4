using Confluent.SchemaRegistry;
using Segmenter.Contracts;
using Segmenter.Serialization.Mapping;

namespace Segmenter.Serialization;

/// <summary>
/// The Avro serializers and deserializers of every record on Segmenter's topics, sharing one schema registry
/// client (which caches schemas and ids). Create one per process.
/// </summary>
public sealed class ContractSerdes
{
    public ContractSerdes(ISchemaRegistryClient registry)
    {
        DeviceSerializer = new AvroContractSerializer<Device>(registry, new DeviceMapper());
        DeviceDeserializer = new AvroContractDeserializer<Device>(registry, new DeviceMapper());
        EnvelopeSerializer = new AvroContractSerializer<Envelope>(registry, new EnvelopeMapper());
        EnvelopeDeserializer = new AvroContractDeserializer<Envelope>(registry, new EnvelopeMapper());
        SessionKeySerializer = new AvroContractSerializer<SessionKey>(registry, new SessionKeyMapper());
        SessionKeyDeserializer = new AvroContractDeserializer<SessionKey>(registry, new SessionKeyMapper());
        SessionSummarySerializer = new AvroContractSerializer<SessionSummary>(registry, new SessionSummaryMapper());
        SessionSummaryDeserializer = new AvroContractDeserializer<SessionSummary>(registry, new SessionSummaryMapper());
    }

    public AvroContractSerializer<Device> DeviceSerializer { get; }
    public AvroContractDeserializer<Device> DeviceDeserializer { get; }
    public AvroContractSerializer<Envelope> EnvelopeSerializer { get; }
    public AvroContractDeserializer<Envelope> EnvelopeDeserializer { get; }
    public AvroContractSerializer<SessionKey> SessionKeySerializer { get; }
    public AvroContractDeserializer<SessionKey> SessionKeyDeserializer { get; }
    public AvroContractSerializer<SessionSummary> SessionSummarySerializer { get; }
    public AvroContractDeserializer<SessionSummary> SessionSummaryDeserializer { get; }
}
