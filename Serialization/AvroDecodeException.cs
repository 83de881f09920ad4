namespace Segmenter.Serialization;

/// <summary>
/// A record that cannot be decoded, with the reason. The stream provider sends such records to the dead-letter
/// topic and carries on; it is never retried. Registry outages are not this exception: they surface as
/// <see cref="SchemaRegistryUnavailableException"/> and are retried.
/// </summary>
public sealed class AvroDecodeException : Exception
{
    public AvroDecodeException(AvroDecodeError error, string message, Exception? innerException = null)
        : base(message, innerException) => Error = error;

    public AvroDecodeException()
        : this(AvroDecodeError.Corrupt, "The record could not be decoded.")
    {
    }

    public AvroDecodeException(string message)
        : this(AvroDecodeError.Corrupt, message)
    {
    }

    public AvroDecodeException(string message, Exception innerException)
        : this(AvroDecodeError.Corrupt, message, innerException)
    {
    }

    public AvroDecodeError Error { get; }
}
