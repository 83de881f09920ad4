namespace Segmenter.Silo.Configuration;

/// <summary>Every problem of section <c>Embedded</c> at once, each naming its setting.</summary>
public static class EmbeddedSettingsValidator
{
    public static IReadOnlyList<string> Problems(EmbeddedSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        const string section = EmbeddedSettings.SectionName;
        var problems = new List<string>();
        if (settings.Partitions < 1)
            problems.Add($"{section}:{nameof(settings.Partitions)} must be at least 1 (got {settings.Partitions}).");
        if (PortSetting.Problem($"{section}:{nameof(settings.RedisPort)}", settings.RedisPort) is { } port)
            problems.Add(port);
        return problems;
    }
}
