using System.Buffers;
using Confluent.Kafka;
using Segmenter.Contracts;

namespace Segmenter.Serialization.Binary;

/// <summary>The hot-path codec of <c>events.Device</c> (see <see cref="EnvelopeCodec"/>).</summary>
internal sealed class DeviceCodec(RegistrySchemas schemas, IAsyncDeserializer<Device> general) : IAsyncSerializer<Device>, IAsyncDeserializer<Device>
{
    public async Task<byte[]> SerializeAsync(Device data, SerializationContext context)
    {
        var id = await schemas.IdAsync(ConfluentFraming.Subject(context), ContractSchemas.Device);
        var buffer = new ArrayBufferWriter<byte>(32);
        var writer = new AvroBinaryWriter(buffer);
        writer.WriteFraming(id);
        writer.WriteString(data.Id);
        return buffer.WrittenSpan.ToArray();
    }

    public async Task<Device> DeserializeAsync(ReadOnlyMemory<byte> data, bool isNull, SerializationContext context)
    {
        var id = ConfluentFraming.SchemaId(data.Span, isNull, context, "events.Device");
        if (await schemas.WriterAsync(id) is { } writer && WriterLayouts.IsDevice(writer))
            return Read(new AvroBinaryReader(data.Span[ConfluentFraming.Length..], ConfluentFraming.What(context)));
        return await general.DeserializeAsync(data, isNull, context);
    }

    private static Device Read(AvroBinaryReader reader)
    {
        var device = new Device(reader.ReadString());
        reader.ExpectEnd("events.Device");
        return device;
    }
}
