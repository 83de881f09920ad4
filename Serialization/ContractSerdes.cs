using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Segmenter.Contracts;
using Segmenter.Serialization.Kafka;

namespace Segmenter.Serialization;

/// <summary>
/// The Avro serializers and deserializers of every record on Segmenter's Kafka topics: thin async wrappers of
/// <see cref="ContractCodecs"/>, the codec core the Event Hubs transport uses too, so both read and write the same bytes
/// with the same failures. Create one per process. Keys, envelopes and summaries are written by the direct binary
/// layouts; reading a summary, and any writer schema the layouts do not recognise, goes the general way (Apache.Avro
/// generic records).
/// </summary>
public sealed class ContractSerdes
{
    public ContractSerdes(ISchemaRegistryClient registry)
        : this(new ContractCodecs(registry))
    {
    }

    public ContractSerdes(ContractCodecs codecs)
    {
        ArgumentNullException.ThrowIfNull(codecs);
        Codecs = codecs;
        var device = new KafkaContractSerde<Device>(codecs.Device);
        var envelope = new KafkaContractSerde<Envelope>(codecs.Envelope);
        var sessionKey = new KafkaContractSerde<SessionKey>(codecs.SessionKey);
        var summary = new KafkaContractSerde<SessionSummary>(codecs.SessionSummary);
        DeviceSerializer = device;
        DeviceDeserializer = device;
        EnvelopeSerializer = envelope;
        EnvelopeDeserializer = envelope;
        SessionKeySerializer = sessionKey;
        SessionKeyDeserializer = sessionKey;
        SessionSummarySerializer = summary;
        SessionSummaryDeserializer = summary;
    }

    /// <summary>The codec core these wrap.</summary>
    public ContractCodecs Codecs { get; }

    public IAsyncSerializer<Device> DeviceSerializer { get; }
    public IAsyncDeserializer<Device> DeviceDeserializer { get; }
    public IAsyncSerializer<Envelope> EnvelopeSerializer { get; }
    public IAsyncDeserializer<Envelope> EnvelopeDeserializer { get; }
    public IAsyncSerializer<SessionKey> SessionKeySerializer { get; }
    public IAsyncDeserializer<SessionKey> SessionKeyDeserializer { get; }
    public IAsyncSerializer<SessionSummary> SessionSummarySerializer { get; }
    public IAsyncDeserializer<SessionSummary> SessionSummaryDeserializer { get; }
}
