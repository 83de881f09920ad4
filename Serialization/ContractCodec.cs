using System.Buffers;
using System.Collections.Concurrent;
using Avro;
using Segmenter.Serialization.Binary;
using Segmenter.Serialization.Generic;
using Segmenter.Serialization.Mapping;
using Segmenter.Serialization.Registry;

namespace Segmenter.Serialization;

/// <summary>
/// One contract record on the wire, Avro with schema-registry framing, for every transport: synchronous at its heart
/// (<see cref="Read"/>, <see cref="Write"/>, for Orleans' synchronous Event Hubs adapter) with async versions that only
/// await the registry lookup and then do the same (<see cref="ReadAsync"/>, <see cref="WriteAsync"/>, for the Kafka
/// serdes). Whichever is called, the same bytes give the same record or the same <see cref="AvroDecodeException"/>
/// kind and message, and an outage is <see cref="SchemaRegistryUnavailableException"/> (see <see cref="SchemaRegistryCache"/>).
/// </summary>
/// <remarks>
/// Each writer schema id gets a reading plan once: the direct binary layout when it recognises the writer schema, else
/// the general path (Apache.Avro generic record, then the mapper), which reports precise errors. Which path reads a
/// record depends only on its writer schema, never on what is wrong with it; both report the same kinds.
/// </remarks>
public sealed class ContractCodec<T>
{
    private readonly SchemaRegistryCache _registry;
    private readonly IAvroRecordMapper<T> _mapper;
    private readonly IBinaryLayout<T>? _layout;
    private readonly ConcurrentDictionary<int, Plan> _plans = new();

    internal ContractCodec(SchemaRegistryCache registry, IAvroRecordMapper<T> mapper, IBinaryLayout<T>? layout)
    {
        _registry = registry;
        _mapper = mapper;
        _layout = layout;
    }

    private delegate T Plan(ReadOnlyMemory<byte> payload, string what);

    /// <summary>The record this codec writes and expects (e.g. <c>events.Envelope</c>).</summary>
    public string FullName => _mapper.Schema.Fullname;

    /// <summary>Reads a framed record, looking its writer schema up synchronously (bounded; see <see cref="SchemaRegistryCache"/>).</summary>
    /// <param name="data">The framed bytes.</param>
    /// <param name="missing">Whether the transport has nothing here at all (Missing).</param>
    /// <param name="what">What is read, for messages (e.g. "value", "body").</param>
    public T Read(ReadOnlyMemory<byte> data, bool missing, string what)
    {
        var id = ConfluentFraming.SchemaId(data.Span, missing, what, FullName);
        var payload = data[ConfluentFraming.Length..];
        return _plans.TryGetValue(id, out var plan) ? plan(payload, what) : PlanFor(id, _registry.WriterSchema(id), what)(payload, what);
    }

    /// <summary>Reads a framed record as <see cref="Read"/> does, awaiting the writer schema's lookup instead of waiting for it.</summary>
    public ValueTask<T> ReadAsync(ReadOnlyMemory<byte> data, bool missing, string what)
    {
        var id = ConfluentFraming.SchemaId(data.Span, missing, what, FullName);
        return _plans.TryGetValue(id, out var plan)
            ? new ValueTask<T>(plan(data[ConfluentFraming.Length..], what))
            : ReadLookingUpAsync(data, id, what);
    }

    /// <summary>Writes <paramref name="value"/> framed with its schema's id under <paramref name="subject"/>, looked up synchronously.</summary>
    public byte[] Write(T value, string subject) => Encode(value, _registry.SchemaId(subject, _mapper.Schema));

    /// <summary>Writes <paramref name="value"/> as <see cref="Write"/> does, awaiting the id's lookup.</summary>
    public async ValueTask<byte[]> WriteAsync(T value, string subject) => Encode(value, await _registry.SchemaIdAsync(subject, _mapper.Schema).ConfigureAwait(false));

    private async ValueTask<T> ReadLookingUpAsync(ReadOnlyMemory<byte> data, int id, string what)
    {
        var writer = await _registry.WriterSchemaAsync(id).ConfigureAwait(false);
        return PlanFor(id, writer, what)(data[ConfluentFraming.Length..], what);
    }

    private Plan PlanFor(int id, Schema writer, string what)
    {
        Plan plan;
        if (writer is RecordSchema record && _layout?.ReaderFor(record) is { } direct)
        {
            plan = (payload, w) => direct(payload.Span, w);
        }
        else
        {
            // SchemaMismatch when the id names no record; not remembered, so each such record says so.
            var reader = AvroPayloadReader.For(writer, id, what);
            plan = (payload, w) => _mapper.FromRecord(reader.Read(payload, w));
        }

        return _plans.GetOrAdd(id, plan);
    }

    private byte[] Encode(T value, int schemaId)
    {
        var layout = _layout ?? throw new InvalidOperationException($"The codec of {FullName} only reads.");
        var buffer = new ArrayBufferWriter<byte>(layout.SizeHint(value));
        var writer = new AvroBinaryWriter(buffer);
        writer.WriteFraming(schemaId);
        layout.Write(writer, value);
        return buffer.WrittenSpan.ToArray();
    }
}
