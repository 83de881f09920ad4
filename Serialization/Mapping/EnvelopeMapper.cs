using Avro;
using Avro.Generic;
using Segmenter.Contracts;

namespace Segmenter.Serialization.Mapping;

/// <summary>
/// <see cref="Envelope"/> as Avro <c>events.Envelope</c>: the event is a union of three records (order
/// DeviceWokeUp, DataReceived, AllDataReceived, as in the demo), the timestamp is timestamp-millis, and
/// <c>seq</c> is optional so that the demo's records (written without it) read as <c>seq = null</c>.
/// </summary>
public sealed class EnvelopeMapper : IAvroRecordMapper<Envelope>
{
    public const string FullName = "events.Envelope";

    private readonly RecordSchema _wokeUp;
    private readonly RecordSchema _data;
    private readonly RecordSchema _allData;

    public EnvelopeMapper(RecordSchema? schema = null)
    {
        Schema = schema ?? ContractSchemas.Envelope;
        var union = (UnionSchema)Schema["event"].Schema;
        _wokeUp = Branch(union, "events.DeviceWokeUp");
        _data = Branch(union, "events.DataReceived");
        _allData = Branch(union, "events.AllDataReceived");
    }

    public RecordSchema Schema { get; }

    public GenericRecord ToRecord(Envelope value)
    {
        GenericRecord branch;
        switch (value.Event)
        {
            case DeviceWokeUp:
                branch = new GenericRecord(_wokeUp);
                break;
            case DataReceived data:
                branch = new GenericRecord(_data);
                branch.Add("name", data.Name);
                branch.Add("value", data.Value);
                break;
            case AllDataReceived:
                branch = new GenericRecord(_allData);
                break;
            default:
                throw new ArgumentException($"Unknown device event kind '{value.Event.GetType().Name}'.", nameof(value));
        }

        var record = new GenericRecord(Schema);
        record.Add("event", branch);
        record.Add("timestamp", value.Timestamp.ToAvroTimestamp());
        if (Schema.Contains("seq"))
            record.Add("seq", value.Seq);
        return record;
    }

    public Envelope FromRecord(GenericRecord record)
    {
        record.ExpectName(FullName);
        var branch = record.Required<GenericRecord>("event");
        DeviceEvent evt = branch.Schema.Fullname switch
        {
            "events.DeviceWokeUp" => DeviceWokeUp.Instance,
            "events.DataReceived" => new DataReceived(branch.Required<string>("name"), branch.Required<double>("value")),
            "events.AllDataReceived" => AllDataReceived.Instance,
            var unknown => throw new AvroDecodeException(AvroDecodeError.UnknownUnionBranch,
                $"Unknown event kind '{unknown}' in {FullName}.event; known: events.DeviceWokeUp, events.DataReceived, events.AllDataReceived."),
        };

        return new Envelope(evt, record.Timestamp("timestamp"), record.Optional<long>("seq"));
    }

    private static RecordSchema Branch(UnionSchema union, string fullName) =>
        union.Schemas.OfType<RecordSchema>().SingleOrDefault(s => s.Fullname == fullName)
        ?? throw new ArgumentException($"The envelope schema's event union has no {fullName}.");
}
