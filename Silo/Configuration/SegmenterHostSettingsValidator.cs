namespace Segmenter.Silo.Configuration;

/// <summary>Every problem of section <c>Segmenter</c> at once, each naming its setting.</summary>
public static class SegmenterHostSettingsValidator
{
    public static IReadOnlyList<string> Problems(SegmenterHostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        const string section = SegmenterHostSettings.SectionName;
        var problems = new List<string>();
        if (settings.ParsedProfile is null)
            problems.Add($"{section}:{nameof(settings.Profile)} must be 'embedded' or 'cluster' (got '{settings.Profile}').");
        if (settings.ParsedTransport is null)
            problems.Add($"{section}:{nameof(settings.Transport)} must be 'kafka' or 'eventhubs' (got '{settings.Transport}').");
        if (settings.StatusInterval < TimeSpan.Zero)
            problems.Add($"{section}:{nameof(settings.StatusInterval)} must not be negative (got {settings.StatusInterval}).");
        return problems;
    }
}
