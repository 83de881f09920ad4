using System.Buffers;
using Confluent.Kafka;
using Segmenter.Contracts;

namespace Segmenter.Serialization.Binary;

/// <summary>The hot-path codec of <c>sessions.SessionKey</c> (see <see cref="EnvelopeCodec"/>).</summary>
internal sealed class SessionKeyCodec(RegistrySchemas schemas, IAsyncDeserializer<SessionKey> general) : IAsyncSerializer<SessionKey>, IAsyncDeserializer<SessionKey>
{
    public async Task<byte[]> SerializeAsync(SessionKey data, SerializationContext context)
    {
        var id = await schemas.IdAsync(ConfluentFraming.Subject(context), ContractSchemas.SessionKey);
        var buffer = new ArrayBufferWriter<byte>(48);
        var writer = new AvroBinaryWriter(buffer);
        writer.WriteFraming(id);
        writer.WriteString(data.Device.Id);
        writer.WriteString(data.SessionId);
        return buffer.WrittenSpan.ToArray();
    }

    public async Task<SessionKey> DeserializeAsync(ReadOnlyMemory<byte> data, bool isNull, SerializationContext context)
    {
        var id = ConfluentFraming.SchemaId(data.Span, isNull, context, "sessions.SessionKey");
        if (await schemas.WriterAsync(id) is { } writer && WriterLayouts.IsSessionKey(writer))
            return Read(new AvroBinaryReader(data.Span[ConfluentFraming.Length..], ConfluentFraming.What(context)));
        return await general.DeserializeAsync(data, isNull, context);
    }

    private static SessionKey Read(AvroBinaryReader reader)
    {
        var key = new SessionKey(new Device(reader.ReadString()), reader.ReadString());
        reader.ExpectEnd("sessions.SessionKey");
        return key;
    }
}
