namespace Segmenter.Embedded.SchemaRegistry;

/// <summary>Confluent's compatibility levels: which earlier versions a new schema is checked against, and how.</summary>
internal enum CompatibilityLevel
{
    None,
    Backward,
    BackwardTransitive,
    Forward,
    ForwardTransitive,
    Full,
    FullTransitive,
}

internal static class CompatibilityLevels
{
    /// <summary>A Confluent registry's global level until someone sets another.</summary>
    public const CompatibilityLevel Default = CompatibilityLevel.Backward;

    private static readonly Dictionary<string, CompatibilityLevel> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["NONE"] = CompatibilityLevel.None,
        ["BACKWARD"] = CompatibilityLevel.Backward,
        ["BACKWARD_TRANSITIVE"] = CompatibilityLevel.BackwardTransitive,
        ["FORWARD"] = CompatibilityLevel.Forward,
        ["FORWARD_TRANSITIVE"] = CompatibilityLevel.ForwardTransitive,
        ["FULL"] = CompatibilityLevel.Full,
        ["FULL_TRANSITIVE"] = CompatibilityLevel.FullTransitive,
    };

    /// <summary>The level named as the REST API names it (any case), or null.</summary>
    public static CompatibilityLevel? Parse(string? name) => name is not null && ByName.TryGetValue(name, out var level) ? level : null;

    /// <summary>The REST API's name: <c>BACKWARD_TRANSITIVE</c>.</summary>
    public static string Name(this CompatibilityLevel level) => ByName.First(entry => entry.Value == level).Key;

    /// <summary>The new schema must read data written with the earlier ones.</summary>
    public static bool NewReadsOld(this CompatibilityLevel level) =>
        level is CompatibilityLevel.Backward or CompatibilityLevel.BackwardTransitive or CompatibilityLevel.Full or CompatibilityLevel.FullTransitive;

    /// <summary>The earlier schemas must read data written with the new one.</summary>
    public static bool OldReadsNew(this CompatibilityLevel level) =>
        level is CompatibilityLevel.Forward or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.Full or CompatibilityLevel.FullTransitive;

    /// <summary>Checked against every earlier version, not only the latest.</summary>
    public static bool IsTransitive(this CompatibilityLevel level) =>
        level is CompatibilityLevel.BackwardTransitive or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.FullTransitive;
}
