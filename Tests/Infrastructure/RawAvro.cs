using System.Buffers.Binary;

namespace Segmenter.Tests.Infrastructure;

/// <summary>
/// Avro bytes written by hand, as a producer that is not ours might write them: any union index, any timestamp, extra
/// bytes. Independent of the codecs under test (spec 1.11, "Binary Encoding").
/// </summary>
internal static class RawAvro
{
    /// <summary>An <c>events.Envelope</c> with Confluent framing: the union branch (1 is DataReceived("p", 1.0)), the timestamp, seq null.</summary>
    public static byte[] Envelope(int schemaId, long timestampMillis, long unionIndex = 0, byte[]? trailing = null)
    {
        var bytes = new List<byte>(Framing(schemaId));
        bytes.AddRange(Long(unionIndex));
        if (unionIndex == 1)
        {
            bytes.AddRange([.. Long(1), (byte)'p']);
            bytes.AddRange(BitConverter.GetBytes(1.0));
        }

        bytes.AddRange(Long(timestampMillis));
        bytes.AddRange(Long(0)); // seq: union branch 0, null
        bytes.AddRange(trailing ?? []);
        return [.. bytes];
    }

    public static byte[] Framing(int schemaId)
    {
        var framing = new byte[5];
        BinaryPrimitives.WriteInt32BigEndian(framing.AsSpan(1), schemaId);
        return framing;
    }

    /// <summary>The schema id of framed bytes.</summary>
    public static int SchemaId(byte[] framed) => BinaryPrimitives.ReadInt32BigEndian(framed.AsSpan(1, 4));

    /// <summary>Zig-zag, then 7 bits per byte, low first.</summary>
    public static byte[] Long(long value)
    {
        var zigzag = (ulong)((value << 1) ^ (value >> 63));
        var bytes = new List<byte>();
        while (zigzag >= 0x80)
        {
            bytes.Add((byte)(zigzag | 0x80));
            zigzag >>= 7;
        }

        bytes.Add((byte)zigzag);
        return [.. bytes];
    }
}
