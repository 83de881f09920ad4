namespace Segmenter.Embedded.SchemaRegistry;

/// <summary>
/// What a compatibility level asks of a new schema against a subject's live versions, as Confluent decides it: the
/// latest version only, or every version for the <c>_TRANSITIVE</c> levels; backward (the new schema reads old data),
/// forward (old schemas read new data) or both.
/// </summary>
internal static class CompatibilityPolicy
{
    /// <summary>Every finding against <paramref name="earlier"/> (oldest first); empty when the schema is compatible.</summary>
    public static IReadOnlyList<CompatibilityFinding> Check(CompatibilityLevel level, Avro.Schema candidate, IReadOnlyList<(int Version, StoredSchema Schema)> earlier)
    {
        if (level == CompatibilityLevel.None || earlier.Count == 0)
            return [];

        var findings = new List<CompatibilityFinding>();
        foreach (var (version, schema) in level.IsTransitive() ? earlier.Reverse() : [earlier[^1]])
            findings.AddRange(Against(level, candidate, version, schema));
        return findings;
    }

    /// <summary>The findings against one earlier version, in the directions the level asks for.</summary>
    public static IEnumerable<CompatibilityFinding> Against(CompatibilityLevel level, Avro.Schema candidate, int version, StoredSchema earlier)
    {
        if (level.NewReadsOld())
        {
            foreach (var found in AvroCompatibility.Check(candidate, earlier.Parsed, "new", "old"))
                yield return new CompatibilityFinding(version, found);
        }

        if (level.OldReadsNew())
        {
            foreach (var found in AvroCompatibility.Check(earlier.Parsed, candidate, "old", "new"))
                yield return new CompatibilityFinding(version, found);
        }
    }
}

/// <summary>An incompatibility with one earlier version, written as Confluent writes it in its messages.</summary>
internal sealed record CompatibilityFinding(int OldVersion, AvroIncompatibility Incompatibility)
{
    public override string ToString() =>
        $"{{errorType:'{Incompatibility.KindName}', description:'{Incompatibility.Description}', additionalInfo:'{Incompatibility.Detail}', oldSchemaVersion: {OldVersion}}}";
}
