using Avro;
using Avro.Generic;
using Segmenter.Contracts;

namespace Segmenter.Serialization.Mapping;

/// <summary><see cref="Device"/> as Avro <c>events.Device</c>.</summary>
public sealed class DeviceMapper : IAvroRecordMapper<Device>
{
    public const string FullName = "events.Device";

    public DeviceMapper(RecordSchema? schema = null) => Schema = schema ?? ContractSchemas.Device;

    public RecordSchema Schema { get; }

    public GenericRecord ToRecord(Device value)
    {
        var record = new GenericRecord(Schema);
        record.Add("id", value.Id);
        return record;
    }

    public Device FromRecord(GenericRecord record)
    {
        record.ExpectName(FullName);
        return new Device(record.Required<string>("id"));
    }
}
