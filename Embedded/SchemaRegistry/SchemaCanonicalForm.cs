namespace Segmenter.Embedded.SchemaRegistry;

/// <summary>
/// Two texts of one schema (whitespace, attribute order) must get one id, as in the real registry: schemas are
/// compared by Apache.Avro's parsed form. Only Avro is served: the compatibility rules here are Avro's.
/// </summary>
internal static class SchemaCanonicalForm
{
    public const string Avro = "AVRO";

    /// <summary>The parsed schema and its comparable text; <see cref="RegistryException"/> 42201 when it is not valid Avro.</summary>
    public static (global::Avro.Schema Parsed, string Canonical) Of(string schema, string schemaType)
    {
        if (!string.Equals(schemaType, Avro, StringComparison.OrdinalIgnoreCase))
            throw RegistryException.InvalidSchema($"the embedded schema registry serves AVRO schemas only, not {schemaType}.");
        if (string.IsNullOrWhiteSpace(schema))
            throw RegistryException.InvalidSchema("empty schema.");

        try
        {
            var parsed = global::Avro.Schema.Parse(schema);
            return (parsed, parsed.ToString());
        }
        catch (Exception e) when (e is global::Avro.AvroException or Newtonsoft.Json.JsonException or NullReferenceException or InvalidCastException or ArgumentException)
        {
            // Apache.Avro 1.12 fails on some malformed schemas with a NullReferenceException ({"type": "recrd"}) or an
            // invalid cast instead of a SchemaParseException: all of them are the client's invalid schema, not a fault here.
            throw RegistryException.InvalidSchema(e.Message);
        }
    }
}
