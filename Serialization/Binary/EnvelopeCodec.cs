using System.Buffers;
using Confluent.Kafka;
using Segmenter.Contracts;

namespace Segmenter.Serialization.Binary;

/// <summary>
/// The hot-path codec of <c>events.Envelope</c>: writes and reads the Avro binary layout directly (a tenth of the cost of
/// the generic record path), with the same bytes and the same schema-registry framing. Writer schemas it does not
/// recognise are decoded by the general <see cref="AvroContractDeserializer{T}"/>.
/// </summary>
internal sealed class EnvelopeCodec(RegistrySchemas schemas, IAsyncDeserializer<Envelope> general) : IAsyncSerializer<Envelope>, IAsyncDeserializer<Envelope>
{
    private const string FullName = "events.Envelope";

    public async Task<byte[]> SerializeAsync(Envelope data, SerializationContext context)
    {
        var id = await schemas.IdAsync(ConfluentFraming.Subject(context), ContractSchemas.Envelope);
        var buffer = new ArrayBufferWriter<byte>(64);
        Write(new AvroBinaryWriter(buffer), id, data);
        return buffer.WrittenSpan.ToArray();
    }

    public async Task<Envelope> DeserializeAsync(ReadOnlyMemory<byte> data, bool isNull, SerializationContext context)
    {
        var id = ConfluentFraming.SchemaId(data.Span, isNull, context, FullName);
        var writer = await schemas.WriterAsync(id);
        return writer is not null && WriterLayouts.EnvelopeHasSeq(writer) is { } hasSeq
            ? Read(new AvroBinaryReader(data.Span[ConfluentFraming.Length..], ConfluentFraming.What(context)), hasSeq)
            : await general.DeserializeAsync(data, isNull, context);
    }

    private static void Write(AvroBinaryWriter writer, int schemaId, Envelope envelope)
    {
        writer.WriteFraming(schemaId);
        switch (envelope.Event)
        {
            case DeviceWokeUp:
                writer.WriteLong(0);
                break;
            case DataReceived data:
                writer.WriteLong(1);
                writer.WriteString(data.Name);
                writer.WriteDouble(data.Value);
                break;
            case AllDataReceived:
                writer.WriteLong(2);
                break;
            default:
                throw new ArgumentException($"Unknown device event kind '{envelope.Event.GetType().Name}'.", nameof(envelope));
        }

        writer.WriteLong(envelope.Timestamp.ToUnixTimeMilliseconds());
        if (envelope.Seq is { } seq)
        {
            writer.WriteLong(1);
            writer.WriteLong(seq);
        }
        else
        {
            writer.WriteLong(0);
        }
    }

    private static Envelope Read(AvroBinaryReader reader, bool hasSeq)
    {
        DeviceEvent evt = reader.ReadLong() switch
        {
            0 => DeviceWokeUp.Instance,
            1 => new DataReceived(reader.ReadString(), reader.ReadDouble()),
            2 => AllDataReceived.Instance,
            var branch => throw reader.Corrupt($"has union index {branch} for the field 'event', outside the writer's 3 branches"),
        };
        var timestamp = AvroTimestamps.FromMillis(reader.ReadLong(), $"Field {FullName}.timestamp");
        long? seq = null;
        if (hasSeq)
        {
            seq = reader.ReadLong() switch
            {
                0 => null,
                1 => reader.ReadLong(),
                var branch => throw reader.Corrupt($"has union index {branch} for the field 'seq', outside the writer's 2 branches"),
            };
        }

        reader.ExpectEnd(FullName);
        return new Envelope(evt, timestamp, seq);
    }
}
