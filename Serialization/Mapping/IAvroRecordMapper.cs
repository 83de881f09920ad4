using Avro;
using Avro.Generic;

namespace Segmenter.Serialization.Mapping;

/// <summary>Converts one contract type to and from its Avro record.</summary>
public interface IAvroRecordMapper<T>
{
    /// <summary>The schema this mapper writes (and the full name it expects to read).</summary>
    RecordSchema Schema { get; }

    GenericRecord ToRecord(T value);

    /// <summary>Reads a record written with any compatible schema; throws <see cref="AvroDecodeException"/> otherwise.</summary>
    T FromRecord(GenericRecord record);
}
