using System.Buffers.Binary;

namespace Segmenter.Serialization.Binary;

/// <summary>
/// The 5-byte prefix of every schema-registry record: magic byte 0, then the big-endian schema id. The one framing check
/// of every transport (Kafka keys and values, Event Hubs bodies and key properties); writing it is
/// <see cref="AvroBinaryWriter.WriteFraming"/>.
/// </summary>
internal static class ConfluentFraming
{
    public const int Length = 5;

    /// <summary>The schema id; a <see cref="AvroDecodeException"/> (Missing / NotAvro) when the bytes cannot be ours.</summary>
    /// <param name="data">The framed bytes.</param>
    /// <param name="missing">Whether the transport has no bytes at all here (a Kafka null, an empty Event Hubs body).</param>
    /// <param name="what">What is read, for messages (e.g. "value", "property 'key'").</param>
    /// <param name="expected">The record expected, for messages (e.g. "events.Envelope").</param>
    public static int SchemaId(ReadOnlySpan<byte> data, bool missing, string what, string expected)
    {
        if (missing)
            throw new AvroDecodeException(AvroDecodeError.Missing, $"The record has no {what}; a {expected} was expected.");
        if (!TryReadSchemaId(data, out var id))
        {
            throw new AvroDecodeException(AvroDecodeError.NotAvro,
                $"The {what} is not Avro with schema-registry framing ({data.Length} bytes, first byte {(data.Length > 0 ? $"0x{data[0]:x2}" : "none")}; expected magic byte 0x00 and a 4-byte schema id).");
        }

        return id;
    }

    /// <summary>The schema id when the bytes start with the framing.</summary>
    public static bool TryReadSchemaId(ReadOnlySpan<byte> data, out int id)
    {
        if (data.Length < Length || data[0] != 0)
        {
            id = 0;
            return false;
        }

        id = BinaryPrimitives.ReadInt32BigEndian(data[1..Length]);
        return true;
    }
}
