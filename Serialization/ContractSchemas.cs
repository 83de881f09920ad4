using Avro;

namespace Segmenter.Serialization;

/// <summary>
/// The Avro schemas of the wire format, read from the <c>.avsc</c> files embedded in this assembly
/// (Serialization/Schemas). Those files are the single source of truth for the record layouts.
/// </summary>
public static class ContractSchemas
{
    public static RecordSchema Device { get; } = Load("Device");
    public static RecordSchema Envelope { get; } = Load("Envelope");
    public static RecordSchema SessionKey { get; } = Load("SessionKey");
    public static RecordSchema SessionSummary { get; } = Load("SessionSummary");

    /// <summary>The text of one embedded <c>.avsc</c> file, by name without extension.</summary>
    public static string Text(string name)
    {
        using var stream = typeof(ContractSchemas).Assembly.GetManifestResourceStream($"Segmenter.Schemas.{name}.avsc")
            ?? throw new InvalidOperationException($"The schema {name}.avsc is not embedded in {typeof(ContractSchemas).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static RecordSchema Load(string name) => (RecordSchema)Schema.Parse(Text(name));
}
