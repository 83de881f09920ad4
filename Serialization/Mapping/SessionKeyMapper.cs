using Avro;
using Avro.Generic;
using Segmenter.Contracts;

namespace Segmenter.Serialization.Mapping;

/// <summary><see cref="SessionKey"/> as Avro <c>sessions.SessionKey</c> { device: events.Device, sessionId }.</summary>
public sealed class SessionKeyMapper : IAvroRecordMapper<SessionKey>
{
    public const string FullName = "sessions.SessionKey";

    private readonly DeviceMapper _device;

    public SessionKeyMapper(RecordSchema? schema = null)
    {
        Schema = schema ?? ContractSchemas.SessionKey;
        _device = new DeviceMapper((RecordSchema)Schema["device"].Schema);
    }

    public RecordSchema Schema { get; }

    public GenericRecord ToRecord(SessionKey value)
    {
        var record = new GenericRecord(Schema);
        record.Add("device", _device.ToRecord(value.Device));
        record.Add("sessionId", value.SessionId);
        return record;
    }

    public SessionKey FromRecord(GenericRecord record)
    {
        record.ExpectName(FullName);
        return new SessionKey(_device.FromRecord(record.Required<GenericRecord>("device")), record.Required<string>("sessionId"));
    }
}
