using System.Net;
using Confluent.SchemaRegistry;

namespace Segmenter.Serialization.Generic;

/// <summary>
/// The writer schema a record's schema id names, from the schema registry. What the registry says about the id is the
/// record's problem (unknown id, not an Avro schema, unparsable: an <see cref="AvroDecodeException"/>); failing to ask
/// it (unreachable, 5xx, refused) is not, and propagates as it is so that the caller retries.
/// </summary>
public static class WriterSchemas
{
    public static async Task<Avro.Schema> FetchAsync(ISchemaRegistryClient registry, int id)
    {
        Schema registered;
        try
        {
            registered = await registry.GetSchemaAsync(id);
        }
        catch (SchemaRegistryException e) when (e.Status == HttpStatusCode.NotFound)
        {
            throw new AvroDecodeException(AvroDecodeError.UnknownSchemaId, $"The record names schema id {id}, which the schema registry does not know: {e.Message}", e);
        }

        return Parse(id, registered);
    }

    /// <summary>The Avro schema of a registered schema; SchemaMismatch when it is no Avro schema that this process can read.</summary>
    public static Avro.Schema Parse(int id, Schema registered)
    {
        if (registered.SchemaType != SchemaType.Avro)
            throw new AvroDecodeException(AvroDecodeError.SchemaMismatch, $"Schema id {id} is a {registered.SchemaType} schema, not Avro.");
        try
        {
            // Segmenter's schemas are self-contained; a schema with references to other subjects would not parse here.
            return Avro.Schema.Parse(registered.SchemaString);
        }
        catch (Avro.SchemaParseException e)
        {
            throw new AvroDecodeException(AvroDecodeError.SchemaMismatch, $"Schema id {id} is not a self-contained Avro schema: {e.Message}", e);
        }
    }
}
