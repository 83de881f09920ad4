namespace Segmenter.Serialization;

/// <summary>
/// The one passing decode (and encode) failure: the schema registry cannot be reached or does not serve us (connection
/// refused, a timeout, a 5xx, refused credentials), so a lookup the record needs cannot be done now. The record itself is
/// fine: the transports keep it and try again (Kafka defers the partition, Event Hubs holds the events), never
/// dead-letter it. <see cref="Exception.InnerException"/> is what the registry client threw. Every codec lookup goes
/// through <see cref="Registry.SchemaRegistryCache"/>, which raises this type and nothing else for an outage.
/// </summary>
public sealed class SchemaRegistryUnavailableException : Exception
{
    public SchemaRegistryUnavailableException()
        : base("The schema registry cannot be reached.")
    {
    }

    public SchemaRegistryUnavailableException(string message)
        : base(message)
    {
    }

    public SchemaRegistryUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
