using Segmenter.Embedded.SchemaRegistry;
using Segmenter.Serialization;
using Schema = Avro.Schema;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Embedded;

/// <summary>
/// The registry's Avro compatibility checker against the schema resolution rules of the Avro specification, one reader
/// and writer pair per row: compatible, or the kinds and paths Avro's Java checker (Confluent's) reports.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class AvroCompatibilityTests
{
    private const string Point = """{"type": "record", "name": "Point", "namespace": "geo", "fields": [{"name": "x", "type": "int"}, {"name": "y", "type": "int"}]}""";

    public static TheoryData<string, string, string, string> Cases => new()
    {
        // name, reader, writer, expected ("" = compatible; otherwise "KIND path" per finding, joined by "; ")
        { "same record", Point, Point, "" },
        { "reader field with default, missing in writer", Record("""{"name": "x", "type": "int"}, {"name": "z", "type": "int", "default": 0}"""), Record("""{"name": "x", "type": "int"}"""), "" },
        { "null default of an optional field", Record("""{"name": "x", "type": "int"}, {"name": "seq", "type": ["null", "long"], "default": null}"""), Record("""{"name": "x", "type": "int"}"""), "" },
        { "writer field the reader skips", Record("""{"name": "x", "type": "int"}"""), Record("""{"name": "x", "type": "int"}, {"name": "extra", "type": "string"}"""), "" },
        { "reader field without default, missing in writer", Record("""{"name": "x", "type": "int"}, {"name": "z", "type": "int"}"""), Record("""{"name": "x", "type": "int"}"""), "READER_FIELD_MISSING_DEFAULT_VALUE /fields/1" },
        { "reader field found by its alias", Record("""{"name": "count", "type": "long", "aliases": ["n"]}"""), Record("""{"name": "n", "type": "int"}"""), "" },
        { "field type changed", Record("""{"name": "x", "type": "string"}"""), Record("""{"name": "x", "type": "int"}"""), "TYPE_MISMATCH /fields/0/type" },
        { "int to long", "\"long\"", "\"int\"", "" },
        { "int to float", "\"float\"", "\"int\"", "" },
        { "int to double", "\"double\"", "\"int\"", "" },
        { "long to float", "\"float\"", "\"long\"", "" },
        { "long to double", "\"double\"", "\"long\"", "" },
        { "float to double", "\"double\"", "\"float\"", "" },
        { "long to int", "\"int\"", "\"long\"", "TYPE_MISMATCH /" },
        { "double to float", "\"float\"", "\"double\"", "TYPE_MISMATCH /" },
        { "float to long", "\"long\"", "\"float\"", "TYPE_MISMATCH /" },
        { "string to bytes", "\"bytes\"", "\"string\"", "" },
        { "bytes to string", "\"string\"", "\"bytes\"", "" },
        { "boolean to int", "\"int\"", "\"boolean\"", "TYPE_MISMATCH /" },
        { "null to string", "\"string\"", "\"null\"", "TYPE_MISMATCH /" },
        { "timestamp-millis read from a plain long", """{"type": "long", "logicalType": "timestamp-millis"}""", "\"long\"", "" },
        { "plain long read from timestamp-millis", "\"long\"", """{"type": "long", "logicalType": "timestamp-millis"}""", "" },
        { "reader union with the writer's type", """["null", "long"]""", "\"long\"", "" },
        { "reader union with a promotion of the writer's type", """["null", "double"]""", "\"int\"", "" },
        { "reader union without the writer's type", """["null", "int"]""", "\"string\"", "MISSING_UNION_BRANCH /" },
        { "same union", """["null", "string"]""", """["null", "string"]""", "" },
        { "reader union with more branches", """["null", "string", "long"]""", """["null", "string"]""", "" },
        { "writer union branch the reader union lacks", """["null", "int"]""", """["null", "long"]""", "MISSING_UNION_BRANCH /1" },
        { "writer union read by a non-union: every branch promotes", "\"double\"", """["int", "long", "float"]""", "" },
        { "writer union read by a non-union: null does not", "\"string\"", """["null", "string"]""", "TYPE_MISMATCH /0" },
        { "enum with more symbols", Enum("A", "B", "C"), Enum("A", "B"), "" },
        { "enum missing a writer symbol", Enum("A", "B"), Enum("A", "B", "C"), "MISSING_ENUM_SYMBOLS /symbols" },
        { "enum missing a writer symbol, with a default", Enum("A", "B").Replace("]}", "], \"default\": \"A\"}", StringComparison.Ordinal), Enum("A", "B", "C"), "" },
        { "enum renamed", Enum("A").Replace("\"Kind\"", "\"Sort\"", StringComparison.Ordinal), Enum("A"), "NAME_MISMATCH /name" },
        { "fixed of the same size", Fixed(16), Fixed(16), "" },
        { "fixed of another size", Fixed(16), Fixed(8), "FIXED_SIZE_MISMATCH /size" },
        { "array items promoted", """{"type": "array", "items": "long"}""", """{"type": "array", "items": "int"}""", "" },
        { "array items narrowed", """{"type": "array", "items": "int"}""", """{"type": "array", "items": "long"}""", "TYPE_MISMATCH /items" },
        { "map values promoted", """{"type": "map", "values": "double"}""", """{"type": "map", "values": "float"}""", "" },
        { "map values changed", """{"type": "map", "values": "string"}""", """{"type": "map", "values": "int"}""", "TYPE_MISMATCH /values" },
        { "array read as map", """{"type": "map", "values": "int"}""", """{"type": "array", "items": "int"}""", "TYPE_MISMATCH /" },
        { "record renamed", Point.Replace("\"Point\"", "\"Spot\"", StringComparison.Ordinal), Point, "NAME_MISMATCH /name" },
        { "record renamed, reader alias names the writer", Point.Replace("\"name\": \"Point\"", "\"name\": \"Spot\", \"aliases\": [\"Point\"]", StringComparison.Ordinal), Point, "" },
        { "same simple name in another namespace", Point.Replace("\"geo\"", "\"maps\"", StringComparison.Ordinal), Point, "" },
        {
            "nested record field missing a default",
            Record("""{"name": "at", "type": {"type": "record", "name": "P", "fields": [{"name": "x", "type": "int"}, {"name": "y", "type": "int"}]}}"""),
            Record("""{"name": "at", "type": {"type": "record", "name": "P", "fields": [{"name": "x", "type": "int"}]}}"""),
            "READER_FIELD_MISSING_DEFAULT_VALUE /fields/0/type/fields/1"
        },
        { "several findings", Record("""{"name": "a", "type": "int"}, {"name": "b", "type": "int"}"""), Record("""{"name": "a", "type": "string"}"""), "TYPE_MISMATCH /fields/0/type; READER_FIELD_MISSING_DEFAULT_VALUE /fields/1" },
        { "recursive list", List("long"), List("int"), "" },
        { "recursive list narrowed", List("int"), List("long"), "TYPE_MISMATCH /fields/0/type" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reader_and_writer_pairs_follow_the_resolution_rules(string name, string reader, string writer, string expected)
    {
        var found = AvroCompatibility.Check(Schema.Parse(reader), Schema.Parse(writer));

        Assert.True(expected == string.Join("; ", found.Select(f => $"{f.KindName} {f.Path}")),
            $"{name}: expected [{expected}], found [{string.Join("; ", found.Select(f => $"{f.KindName} {f.Path}: {f.Description}"))}]");
    }

    [Fact]
    public void The_demo_envelope_and_ours_with_seq_read_each_other()
    {
        var demo = Schema.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Schemas", "Envelope.demo.avsc")));
        var ours = Schema.Parse(ContractSchemas.Text("Envelope"));

        Assert.Empty(AvroCompatibility.Check(ours, demo));
        Assert.Empty(AvroCompatibility.Check(demo, ours));
    }

    [Fact]
    public void A_finding_describes_the_field_and_which_schema_lacks_it()
    {
        var found = Assert.Single(AvroCompatibility.Check(
            Schema.Parse(Record("""{"name": "x", "type": "int"}, {"name": "z", "type": "int"}""")), Schema.Parse(Record("""{"name": "x", "type": "int"}""")), "new", "old"));

        Assert.Equal(AvroIncompatibilityKind.ReaderFieldMissingDefaultValue, found.Kind);
        Assert.Equal("z", found.Detail);
        Assert.Equal("the field 'z' at '/fields/1' in the new schema has no default value and is missing in the old schema", found.Description);
    }

    private static string Record(string fields) => $$"""{"type": "record", "name": "R", "namespace": "t", "fields": [{{fields}}]}""";

    private static string Enum(params string[] symbols) =>
        $$"""{"type": "enum", "name": "Kind", "namespace": "t", "symbols": [{{string.Join(", ", symbols.Select(s => $"\"{s}\""))}}]}""";

    private static string Fixed(int size) => $$"""{"type": "fixed", "name": "Id", "namespace": "t", "size": {{size}}}""";

    private static string List(string value) =>
        $$"""{"type": "record", "name": "Node", "namespace": "t", "fields": [{"name": "value", "type": "{{value}}"}, {"name": "next", "type": ["null", "Node"], "default": null}]}""";
}
