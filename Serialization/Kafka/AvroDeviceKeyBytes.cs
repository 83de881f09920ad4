using System.Buffers.Binary;
using System.Text;
using Confluent.SchemaRegistry;

namespace Segmenter.Serialization.Kafka;

/// <summary>
/// The exact Kafka key bytes of a device on a topic: Confluent framing (magic byte, schema id) and the Avro
/// encoding of <c>events.Device { id }</c>. With them the Orleans queue mapper names the partition that Kafka's
/// murmur2 partitioner picks for the device's records. The schema id is looked up (or registered) once.
/// </summary>
public sealed class AvroDeviceKeyBytes(ISchemaRegistryClient registry, string topic)
{
    private readonly Lazy<int> _schemaId = new(() =>
        registry.RegisterSchemaAsync($"{topic}-key", new Schema(ContractSchemas.Device.ToString(), SchemaType.Avro)).GetAwaiter().GetResult());

    public byte[] For(string deviceId)
    {
        var id = Encoding.UTF8.GetBytes(deviceId);
        Span<byte> length = stackalloc byte[10];
        var lengthBytes = WriteZigZagVarint(length, id.Length);
        var key = new byte[5 + lengthBytes + id.Length];
        BinaryPrimitives.WriteInt32BigEndian(key.AsSpan(1, 4), _schemaId.Value);
        length[..lengthBytes].CopyTo(key.AsSpan(5));
        id.CopyTo(key.AsSpan(5 + lengthBytes));
        return key;
    }

    /// <summary>Avro's long encoding: zig-zag, then 7 bits per byte, low first.</summary>
    private static int WriteZigZagVarint(Span<byte> buffer, long value)
    {
        var zigzag = (ulong)((value << 1) ^ (value >> 63));
        var written = 0;
        while (zigzag >= 0x80)
        {
            buffer[written++] = (byte)(zigzag | 0x80);
            zigzag >>= 7;
        }

        buffer[written++] = (byte)zigzag;
        return written;
    }
}
