using Avro;

namespace Segmenter.Serialization.Binary;

/// <summary>Reads one payload (the bytes after the framing) written with a layout the direct codec knows.</summary>
internal delegate T BinaryRead<out T>(ReadOnlySpan<byte> payload, string what);

/// <summary>
/// The Avro binary layout of one contract record, written and read directly (a tenth of the cost of the generic record
/// path) with the same bytes as Apache.Avro's generic writer (tested). <see cref="ContractCodec{T}"/> frames it and asks
/// the registry; writer schemas the layout does not recognise go the general way (<see cref="Generic.AvroPayloadReader"/>
/// and the record's mapper), with the same decode error kinds.
/// </summary>
internal interface IBinaryLayout<T>
{
    /// <summary>A first guess of the encoded size (framing included), for the buffer.</summary>
    int SizeHint(T value);

    /// <summary>Writes the payload of <paramref name="value"/> (the framing is written before).</summary>
    void Write(AvroBinaryWriter writer, T value);

    /// <summary>A direct reader of payloads written with <paramref name="writer"/>, or null when only the general path reads them.</summary>
    BinaryRead<T>? ReaderFor(RecordSchema writer);
}
