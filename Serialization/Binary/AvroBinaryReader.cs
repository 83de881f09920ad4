using System.Buffers.Binary;
using System.Text;

namespace Segmenter.Serialization.Binary;

/// <summary>
/// Reads Avro's binary encoding from a span; any malformed input is a <see cref="AvroDecodeException"/> (Corrupt), and
/// bytes after the record are one too (TrailingBytes, see <see cref="ExpectEnd"/>).
/// </summary>
internal ref struct AvroBinaryReader(ReadOnlySpan<byte> data, string what)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>
    /// The payload must end where the record ends: left-over bytes mean the writer schema does not describe what was
    /// written, so even the fields that did decode cannot be trusted.
    /// </summary>
    public readonly void ExpectEnd(string record)
    {
        if (!AtEnd)
        {
            throw new AvroDecodeException(AvroDecodeError.TrailingBytes,
                $"The {what} has {_data.Length - _position} bytes after the end of its {record} (the record ends at byte {_position} of a {_data.Length}-byte payload).");
        }
    }

    public long ReadLong()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length)
                throw Corrupt("ends inside a number");
            var b = _data[_position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
                return (long)(value >> 1) ^ -(long)(value & 1);
        }

        throw Corrupt("has a number longer than 10 bytes");
    }

    public string ReadString()
    {
        var length = ReadLong();
        if (length < 0 || length > _data.Length - _position)
            throw Corrupt($"has a string length of {length} with {_data.Length - _position} bytes left");
        var text = Encoding.UTF8.GetString(_data.Slice(_position, (int)length));
        _position += (int)length;
        return text;
    }

    public double ReadDouble()
    {
        if (_data.Length - _position < 8)
            throw Corrupt("ends inside a double");
        var value = BinaryPrimitives.ReadDoubleLittleEndian(_data[_position..]);
        _position += 8;
        return value;
    }

    public readonly AvroDecodeException Corrupt(string problem) =>
        new(AvroDecodeError.Corrupt, $"The {what} is malformed Avro: it {problem} (at byte {_position}).");
}
