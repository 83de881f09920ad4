using Avro.Generic;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Segmenter.Serialization.Mapping;

namespace Segmenter.Serialization;

/// <summary>
/// Writes a contract value as Avro with Confluent framing (magic byte, schema id, payload), registering the
/// schema under the topic-name subject (<c>&lt;topic&gt;-key</c> / <c>&lt;topic&gt;-value</c>, as the demo did).
/// </summary>
public sealed class AvroContractSerializer<T> : IAsyncSerializer<T>
{
    private readonly IAvroRecordMapper<T> _mapper;
    private readonly AvroSerializer<GenericRecord> _inner;

    public AvroContractSerializer(ISchemaRegistryClient registry, IAvroRecordMapper<T> mapper, bool autoRegisterSchemas = true)
    {
        _mapper = mapper;
        _inner = new AvroSerializer<GenericRecord>(registry, new AvroSerializerConfig
        {
            AutoRegisterSchemas = autoRegisterSchemas,
            SubjectNameStrategy = SubjectNameStrategy.Topic,
        });
    }

    public Task<byte[]> SerializeAsync(T data, SerializationContext context) =>
        _inner.SerializeAsync(_mapper.ToRecord(data), context);
}
