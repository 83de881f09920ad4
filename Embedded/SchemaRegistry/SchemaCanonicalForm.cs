namespace Segmenter.Embedded.SchemaRegistry;

/// <summary>
/// Two texts of one schema (whitespace, attribute order) must get one id, as in the real registry. Avro schemas
/// are compared by Apache.Avro's parsed form; other schema types by their text.
/// </summary>
internal static class SchemaCanonicalForm
{
    public static string Of(string schema, string schemaType)
    {
        if (!string.Equals(schemaType, "AVRO", StringComparison.OrdinalIgnoreCase))
            return schemaType + ":" + schema;

        try
        {
            return "AVRO:" + Avro.Schema.Parse(schema);
        }
        catch (Avro.AvroException e)
        {
            throw new InvalidSchemaException(e.Message);
        }
    }
}

/// <summary>The schema text is not a valid schema of its declared type (REST error 42201).</summary>
internal sealed class InvalidSchemaException(string message) : Exception(message);
