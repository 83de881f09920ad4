namespace Segmenter.Serialization;

/// <summary>
/// Why a record could not be decoded, as every transport and tool reports it: the <see cref="AvroDecodeError"/> kind and
/// message for a record the codecs refused, or <see cref="DecoderFailedKind"/> with the exception's type and message for
/// anything else a decoder threw. <see cref="OfRecord"/> is the one classification every decoder applies.
/// </summary>
public sealed record DecodeFailure(string Kind, string Reason)
{
    /// <summary>The kind of a failure that is not an <see cref="AvroDecodeException"/>: whatever else a decoder threw for the bytes.</summary>
    public const string DecoderFailedKind = "DecoderFailed";

    public static DecodeFailure Of(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception is AvroDecodeException decode
            ? new DecodeFailure(decode.Error.ToString(), decode.Message)
            : new DecodeFailure(DecoderFailedKind, $"{TypeName(exception.GetType())}: {exception.Message}");
    }

    /// <summary>
    /// The one rule of every transport (SEGMENTATION.md, "Guarantees"): null when decoding failed for a passing reason
    /// (the schema registry cannot be reached, <see cref="SchemaRegistryOutage"/>) or because the caller cancelled, so
    /// the record is kept and decoded again; for anything else, whatever its type, the record's failure: the same bytes
    /// would fail again, so it is dead-lettered (or skipped) with this kind and reason.
    /// </summary>
    public static DecodeFailure? OfRecord(Exception exception, CancellationToken cancellationToken = default) =>
        SchemaRegistryOutage.Is(exception, cancellationToken) || exception is OperationCanceledException && cancellationToken.IsCancellationRequested
            ? null
            : Of(exception);

    /// <summary>A type's full name, a generic one as C# writes it (<c>Ns.Failure&lt;Byte[]&gt;</c>), as the stream provider names exceptions.</summary>
    private static string TypeName(Type type)
    {
        if (!type.IsGenericType)
            return type.FullName ?? type.Name;
        var name = type.GetGenericTypeDefinition().FullName ?? type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return $"{(tick < 0 ? name : name[..tick])}<{string.Join(", ", type.GetGenericArguments().Select(a => a.Name))}>";
    }
}
