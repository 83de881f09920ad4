using System.Buffers.Binary;
using System.Collections.Concurrent;
using Avro;
using Avro.Generic;
using Avro.IO;
using Segmenter.Serialization.Mapping;

namespace Segmenter.Streaming.EventHubs.Codec;

/// <summary>
/// Writes a contract value as Avro with Confluent framing under a topic-name subject (<c>&lt;hub&gt;-key</c> /
/// <c>&lt;hub&gt;-value</c>), synchronously: the bytes <see cref="Serialization.AvroContractSerializer{T}"/> writes on the
/// Kafka path, for Orleans' synchronous <c>ToQueueMessage</c>.
/// </summary>
public sealed class FramedAvroWriter(RegistrySchemaCache schemas)
{
    // One writer per contract schema (the mappers' schemas are singletons); a writer keeps no per-call state.
    private readonly ConcurrentDictionary<RecordSchema, GenericDatumWriter<GenericRecord>> _writers = new(ReferenceEqualityComparer.Instance);

    public byte[] Write<T>(T value, IAvroRecordMapper<T> mapper, string subject)
    {
        var id = schemas.SchemaId(subject, mapper.Schema);
        var writer = _writers.GetOrAdd(mapper.Schema, static schema => new GenericDatumWriter<GenericRecord>(schema));
        using var stream = new MemoryStream();
        Span<byte> framing = stackalloc byte[5];
        framing[0] = 0;
        BinaryPrimitives.WriteInt32BigEndian(framing[1..], id);
        stream.Write(framing);
        writer.Write(mapper.ToRecord(value), new BinaryEncoder(stream));
        return stream.ToArray();
    }
}
