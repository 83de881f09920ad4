using Avro;
using Newtonsoft.Json.Linq;

namespace Segmenter.Embedded.SchemaRegistry;

/// <summary>
/// Can data written with one Avro schema be read with another? The schema resolution rules of the Avro specification,
/// decided for every value the writer could write, as the Java <c>SchemaCompatibility</c> that Confluent's registry
/// uses decides them: records by field name (or the reader field's aliases), a reader field missing from the writer
/// needs a default, extra writer fields are skipped; named types (records, enums, fixed) by unqualified name or the
/// reader's aliases; enums need every writer symbol unless the reader has a default symbol; fixed by size; arrays and
/// maps by their items and values; int -> long -> float -> double and string &lt;-&gt; bytes promotions; a writer
/// union needs every branch readable, a reader union needs one branch that reads the writer. Logical types are read
/// as their underlying type (Avro and Confluent do not check them either).
/// </summary>
/// <remarks>
/// Apache.Avro 1.12 has <c>Schema.CanRead</c>, but it is a decoding-time check that leaves the rest to the datum
/// reader: a primitive reader accepts any writer union, an enum reader ignores the writer's symbols, a logical type
/// reader refuses its own underlying type, and string and bytes never promote. A registry must decide before any data
/// exists, so it cannot use it.
/// </remarks>
internal static class AvroCompatibility
{
    /// <summary>
    /// Every reason why <paramref name="reader"/> cannot read all data written with <paramref name="writer"/>; empty when
    /// it can. <paramref name="readerName"/> and <paramref name="writerName"/> name the two schemas in the descriptions
    /// (the registry says "new" and "old").
    /// </summary>
    public static IReadOnlyList<AvroIncompatibility> Check(Schema reader, Schema writer, string readerName = "reader", string writerName = "writer")
    {
        var check = new Walk(readerName, writerName);
        check.Compare(reader, writer, "");
        return check.Found;
    }

    private sealed class Walk(string readerName, string writerName)
    {
        // Pairs being compared further up: a recursive type (a record holding itself) is assumed compatible on its way
        // down, as the Java checker does; anything incompatible inside it is found on the first visit.
        private readonly HashSet<(Schema, Schema)> _inProgress = new(ReferencePairComparer.Instance);

        public List<AvroIncompatibility> Found { get; } = [];

        public void Compare(Schema reader, Schema writer, string path)
        {
            reader = Underlying(reader);
            writer = Underlying(writer);
            if (!_inProgress.Add((reader, writer)))
                return;
            try
            {
                if (reader.Tag == writer.Tag)
                    CompareSameKind(reader, writer, path);
                else
                    CompareDifferentKinds(reader, writer, path);
            }
            finally
            {
                _inProgress.Remove((reader, writer));
            }
        }

        private void CompareSameKind(Schema reader, Schema writer, string path)
        {
            switch (reader)
            {
                case ArraySchema array:
                    Compare(array.ItemSchema, ((ArraySchema)writer).ItemSchema, path + "/items");
                    break;
                case MapSchema map:
                    Compare(map.ValueSchema, ((MapSchema)writer).ValueSchema, path + "/values");
                    break;
                case FixedSchema fixedReader:
                    var fixedWriter = (FixedSchema)writer;
                    if (CheckName(fixedReader, fixedWriter, path) && fixedReader.Size != fixedWriter.Size)
                    {
                        Add(AvroIncompatibilityKind.FixedSizeMismatch, path + "/size", $"expected: {fixedWriter.Size}, found: {fixedReader.Size}",
                            $"the fixed {fixedReader.Fullname} at '{Show(path)}' has size {fixedReader.Size} in the {readerName} schema and {fixedWriter.Size} in the {writerName} schema");
                    }

                    break;
                case EnumSchema enumReader:
                    if (CheckName(enumReader, (EnumSchema)writer, path))
                        CompareSymbols(enumReader, (EnumSchema)writer, path);
                    break;
                case RecordSchema recordReader:
                    if (CheckName(recordReader, (RecordSchema)writer, path))
                        CompareFields(recordReader, (RecordSchema)writer, path);
                    break;
                case UnionSchema:
                    // Every branch the writer may have written must be readable by the reader union.
                    var writerBranches = ((UnionSchema)writer).Schemas;
                    for (var i = 0; i < writerBranches.Count; i++)
                        Compare(reader, writerBranches[i], $"{path}/{i}");
                    break;
                default:
                    break; // the same primitive type
            }
        }

        private void CompareDifferentKinds(Schema reader, Schema writer, string path)
        {
            if (writer is UnionSchema writerUnion)
            {
                // A writer union read by a non-union: every branch must resolve to the reader's type.
                for (var i = 0; i < writerUnion.Schemas.Count; i++)
                    Compare(reader, writerUnion.Schemas[i], $"{path}/{i}");
                return;
            }

            if (reader is UnionSchema readerUnion)
            {
                foreach (var branch in readerUnion.Schemas)
                {
                    // Tried in this walk, so a recursive type met again inside a branch stops as above.
                    var before = Found.Count;
                    Compare(branch, writer, path);
                    var reads = Found.Count == before;
                    Found.RemoveRange(before, Found.Count - before);
                    if (reads)
                        return;
                }

                Add(AvroIncompatibilityKind.MissingUnionBranch, path, $"reader union lacking writer type: {Describe(writer)}",
                    $"the union at '{Show(path)}' in the {readerName} schema has no branch that reads {Describe(writer)} of the {writerName} schema");
                return;
            }

            if (!Promotes(writer.Tag, reader.Tag))
            {
                Add(AvroIncompatibilityKind.TypeMismatch, path, $"reader type: {Describe(reader)} not compatible with writer type: {Describe(writer)}",
                    $"the type at '{Show(path)}' is {Describe(reader)} in the {readerName} schema and {Describe(writer)} in the {writerName} schema, which it cannot read");
            }
        }

        private void CompareFields(RecordSchema reader, RecordSchema writer, string path)
        {
            foreach (var field in reader.Fields)
            {
                var fieldPath = $"{path}/fields/{field.Pos}";
                var written = WriterField(writer, field);
                if (written is not null)
                    Compare(field.Schema, written.Schema, fieldPath + "/type");
                else if (field.DefaultValue is null)
                {
                    Add(AvroIncompatibilityKind.ReaderFieldMissingDefaultValue, fieldPath, field.Name,
                        $"the field '{field.Name}' at '{Show(fieldPath)}' in the {readerName} schema has no default value and is missing in the {writerName} schema");
                }
            }
        }

        private void CompareSymbols(EnumSchema reader, EnumSchema writer, string path)
        {
            var missing = writer.Symbols.Except(reader.Symbols, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            // A reader's default symbol stands in for every symbol it does not know (Avro 1.9).
            if (missing.Length == 0 || (reader.Default is { } fallback && reader.Symbols.Contains(fallback)))
                return;
            Add(AvroIncompatibilityKind.MissingEnumSymbols, path + "/symbols", $"[{string.Join(", ", missing)}]",
                $"the {readerName} schema is missing enum symbols [{string.Join(", ", missing)}] of {reader.Fullname} at '{Show(path)}' that the {writerName} schema has");
        }

        private bool CheckName(NamedSchema reader, NamedSchema writer, string path)
        {
            // Unqualified names match (the Java checker's rule); otherwise a reader alias must name the writer.
            if (string.Equals(reader.Name, writer.Name, StringComparison.Ordinal) || AliasesOf(reader).Contains(writer.Fullname, StringComparer.Ordinal))
                return true;
            Add(AvroIncompatibilityKind.NameMismatch, path + "/name", $"expected: {writer.Fullname}",
                $"the name of the type at '{Show(path)}' is {reader.Fullname} in the {readerName} schema and {writer.Fullname} in the {writerName} schema");
            return false;
        }

        private void Add(AvroIncompatibilityKind kind, string path, string detail, string description) =>
            Found.Add(new AvroIncompatibility(kind, Show(path), detail, description));
    }

    /// <summary>
    /// The full names a named type's aliases give it. Apache.Avro keeps them private (only a protected test uses them),
    /// but writes them, qualified, into the schema's JSON.
    /// </summary>
    private static IEnumerable<string> AliasesOf(NamedSchema schema) =>
        JObject.Parse(schema.ToString())["aliases"] is JArray aliases ? aliases.Select(alias => (string?)alias ?? "") : [];

    private static Field? WriterField(RecordSchema writer, Field readerField)
    {
        if (writer.TryGetField(readerField.Name, out var field))
            return field;
        foreach (var alias in readerField.Aliases ?? [])
        {
            if (writer.TryGetField(alias, out field))
                return field;
        }

        return null;
    }

    /// <summary>Writer type -> reader type promotions of the specification (besides equal types).</summary>
    private static bool Promotes(Schema.Type writer, Schema.Type reader) => (writer, reader) switch
    {
        (Schema.Type.Int, Schema.Type.Long or Schema.Type.Float or Schema.Type.Double) => true,
        (Schema.Type.Long, Schema.Type.Float or Schema.Type.Double) => true,
        (Schema.Type.Float, Schema.Type.Double) => true,
        (Schema.Type.String, Schema.Type.Bytes) or (Schema.Type.Bytes, Schema.Type.String) => true,
        _ => false,
    };

    private static Schema Underlying(Schema schema) => schema is LogicalSchema logical ? logical.BaseSchema : schema;

    private static string Describe(Schema schema) => schema is NamedSchema named ? $"{schema.Tag.ToString().ToUpperInvariant()} {named.Fullname}" : schema.Tag.ToString().ToUpperInvariant();

    private static string Show(string path) => path.Length == 0 ? "/" : path;

    private sealed class ReferencePairComparer : IEqualityComparer<(Schema, Schema)>
    {
        public static readonly ReferencePairComparer Instance = new();

        public bool Equals((Schema, Schema) x, (Schema, Schema) y) => ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2);

        public int GetHashCode((Schema, Schema) obj) =>
            HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Item1), System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Item2));
    }
}

/// <summary>The incompatibility kinds of Avro's Java <c>SchemaCompatibility</c>, which Confluent reports by these names.</summary>
internal enum AvroIncompatibilityKind
{
    NameMismatch,
    FixedSizeMismatch,
    MissingEnumSymbols,
    ReaderFieldMissingDefaultValue,
    TypeMismatch,
    MissingUnionBranch,
}

/// <summary>One reason a reader schema cannot read a writer schema's data, at a path such as <c>/fields/2/type</c>.</summary>
internal sealed record AvroIncompatibility(AvroIncompatibilityKind Kind, string Path, string Detail, string Description)
{
    /// <summary>The kind as Confluent names it: <c>READER_FIELD_MISSING_DEFAULT_VALUE</c>.</summary>
    public string KindName => string.Concat(Kind.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant();
}
