using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Segmenter.Contracts;
using Segmenter.Serialization.Binary;
using Segmenter.Serialization.Mapping;

namespace Segmenter.Serialization;

/// <summary>
/// The Avro serializers and deserializers of every record on Segmenter's topics, sharing one schema registry client
/// (which caches schemas and ids). Create one per process. Keys and envelopes — the per-event records — use direct
/// binary codecs, and so are summaries when written; reading a summary, and any writer schema the codecs do not
/// recognise, go through the general path (Apache.Avro generic records). Both produce the same bytes.
/// </summary>
public sealed class ContractSerdes
{
    public ContractSerdes(ISchemaRegistryClient registry)
    {
        var schemas = new RegistrySchemas(registry);
        var device = new DeviceCodec(schemas, new AvroContractDeserializer<Device>(registry, new DeviceMapper()));
        var envelope = new EnvelopeCodec(schemas, new AvroContractDeserializer<Envelope>(registry, new EnvelopeMapper()));
        var sessionKey = new SessionKeyCodec(schemas, new AvroContractDeserializer<SessionKey>(registry, new SessionKeyMapper()));
        DeviceSerializer = device;
        DeviceDeserializer = device;
        EnvelopeSerializer = envelope;
        EnvelopeDeserializer = envelope;
        SessionKeySerializer = sessionKey;
        SessionKeyDeserializer = sessionKey;
        SessionSummarySerializer = new SessionSummaryCodec(schemas);
        SessionSummaryDeserializer = new AvroContractDeserializer<SessionSummary>(registry, new SessionSummaryMapper());
    }

    public IAsyncSerializer<Device> DeviceSerializer { get; }
    public IAsyncDeserializer<Device> DeviceDeserializer { get; }
    public IAsyncSerializer<Envelope> EnvelopeSerializer { get; }
    public IAsyncDeserializer<Envelope> EnvelopeDeserializer { get; }
    public IAsyncSerializer<SessionKey> SessionKeySerializer { get; }
    public IAsyncDeserializer<SessionKey> SessionKeyDeserializer { get; }
    public IAsyncSerializer<SessionSummary> SessionSummarySerializer { get; }
    public IAsyncDeserializer<SessionSummary> SessionSummaryDeserializer { get; }
}
