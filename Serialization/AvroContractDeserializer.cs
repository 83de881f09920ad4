using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Segmenter.Serialization.Kafka;
using Segmenter.Serialization.Mapping;
using Segmenter.Serialization.Registry;

namespace Segmenter.Serialization;

/// <summary>
/// Reads a contract value written by any producer that uses the schema registry, with whatever compatible schema it
/// registered (the demo's records without <c>seq</c> included), always the general way: Apache.Avro generic records and
/// the mapper, never the direct layouts (the baseline the benchmarks and the decode-kind tests compare them with). A
/// <see cref="ContractCodec{T}"/> without a layout: the same framing, registry policy and failures as every codec.
/// </summary>
public sealed class AvroContractDeserializer<T>(ISchemaRegistryClient registry, IAvroRecordMapper<T> mapper) : IAsyncDeserializer<T>
{
    private readonly KafkaContractSerde<T> _inner = new(new ContractCodec<T>(new SchemaRegistryCache(registry), mapper, layout: null));

    public Task<T> DeserializeAsync(ReadOnlyMemory<byte> data, bool isNull, SerializationContext context) =>
        _inner.DeserializeAsync(data, isNull, context);
}
