using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Segmenter.Serialization.Binary;

/// <summary>
/// Writes Avro's binary encoding (spec 1.11, "Binary Encoding"): zig-zag varints for int and long, length-prefixed UTF-8
/// strings, little-endian doubles. Only what Segmenter's own records need; used by the hot-path codecs.
/// </summary>
internal ref struct AvroBinaryWriter(ArrayBufferWriter<byte> buffer)
{
    private readonly ArrayBufferWriter<byte> _buffer = buffer;

    /// <summary>Confluent framing: magic byte 0 and the big-endian schema id.</summary>
    public readonly void WriteFraming(int schemaId)
    {
        var span = _buffer.GetSpan(5);
        span[0] = 0;
        BinaryPrimitives.WriteInt32BigEndian(span[1..], schemaId);
        _buffer.Advance(5);
    }

    public readonly void WriteLong(long value)
    {
        var zigzag = (ulong)((value << 1) ^ (value >> 63));
        var span = _buffer.GetSpan(10);
        var written = 0;
        while (zigzag >= 0x80)
        {
            span[written++] = (byte)(zigzag | 0x80);
            zigzag >>= 7;
        }

        span[written++] = (byte)zigzag;
        _buffer.Advance(written);
    }

    public readonly void WriteString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteLong(length);
        var span = _buffer.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        _buffer.Advance(length);
    }

    public readonly void WriteBoolean(bool value)
    {
        _buffer.GetSpan(1)[0] = value ? (byte)1 : (byte)0;
        _buffer.Advance(1);
    }

    public readonly void WriteDouble(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }
}
