using System.Buffers.Binary;
using Confluent.Kafka;

namespace Segmenter.Serialization.Binary;

/// <summary>The 5-byte prefix of every schema-registry record: magic byte 0, then the big-endian schema id.</summary>
internal static class ConfluentFraming
{
    public const int Length = 5;

    public static string What(SerializationContext context) => context.Component == MessageComponentType.Key ? "key" : "value";

    /// <summary>The schema id; a <see cref="AvroDecodeException"/> (NotAvro / Missing) when the bytes cannot be ours.</summary>
    public static int SchemaId(ReadOnlySpan<byte> data, bool isNull, SerializationContext context, string expected)
    {
        var what = What(context);
        if (isNull)
            throw new AvroDecodeException(AvroDecodeError.Missing, $"The record has no {what}; a {expected} was expected.");
        if (data.Length < Length || data[0] != 0)
            throw new AvroDecodeException(AvroDecodeError.NotAvro,
                $"The {what} is not Avro with schema-registry framing ({data.Length} bytes, first byte {(data.Length > 0 ? $"0x{data[0]:x2}" : "none")}; expected magic byte 0x00 and a 4-byte schema id).");
        return BinaryPrimitives.ReadInt32BigEndian(data[1..Length]);
    }

    public static string Subject(SerializationContext context) =>
        $"{context.Topic}-{(context.Component == MessageComponentType.Key ? "key" : "value")}";
}
