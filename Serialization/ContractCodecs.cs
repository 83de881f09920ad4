using Confluent.SchemaRegistry;
using Segmenter.Contracts;
using Segmenter.Serialization.Binary;
using Segmenter.Serialization.Mapping;
using Segmenter.Serialization.Registry;

namespace Segmenter.Serialization;

/// <summary>
/// The codecs of every record on Segmenter's streams, sharing one <see cref="SchemaRegistryCache"/>: the one codec core
/// of the wire format. The Event Hubs adapter uses them as they are (synchronously); the Kafka serdes
/// (<see cref="ContractSerdes"/>) are thin async wrappers around them. Create one per process.
/// </summary>
public sealed class ContractCodecs
{
    public ContractCodecs(ISchemaRegistryClient registry)
        : this(new SchemaRegistryCache(registry))
    {
    }

    public ContractCodecs(SchemaRegistryCache registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Registry = registry;
        Device = new ContractCodec<Device>(registry, new DeviceMapper(), DeviceLayout.Instance);
        Envelope = new ContractCodec<Envelope>(registry, new EnvelopeMapper(), EnvelopeLayout.Instance);
        SessionKey = new ContractCodec<SessionKey>(registry, new SessionKeyMapper(), SessionKeyLayout.Instance);
        SessionSummary = new ContractCodec<SessionSummary>(registry, new SessionSummaryMapper(), SessionSummaryLayout.Instance);
    }

    public SchemaRegistryCache Registry { get; }

    /// <summary><c>events.Device</c>: the key of input records.</summary>
    public ContractCodec<Device> Device { get; }

    /// <summary><c>events.Envelope</c>: the value of input records and of session events.</summary>
    public ContractCodec<Envelope> Envelope { get; }

    /// <summary><c>sessions.SessionKey</c>: the key of session events and summaries.</summary>
    public ContractCodec<SessionKey> SessionKey { get; }

    /// <summary><c>sessions.SessionSummary</c>: the value of summaries (written directly, read the general way).</summary>
    public ContractCodec<SessionSummary> SessionSummary { get; }

    /// <summary>
    /// Looks up, ahead of a synchronous read, the writer schema that framed bytes name: the outage when the registry
    /// cannot be asked (the read would fail the same way), else null. Bytes without framing need no lookup (null).
    /// </summary>
    public ValueTask<SchemaRegistryUnavailableException?> PrepareReadAsync(ReadOnlyMemory<byte> framed) =>
        ConfluentFraming.TryReadSchemaId(framed.Span, out var id) ? Registry.PrepareWriterAsync(id) : ValueTask.FromResult<SchemaRegistryUnavailableException?>(null);
}
