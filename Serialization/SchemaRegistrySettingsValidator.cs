namespace Segmenter.Serialization;

/// <summary>
/// Every problem of section <c>SchemaRegistry</c> at once, each naming its setting and never repeating the secret. A
/// static class: the silo and the CLIs bind the settings themselves, not as options.
/// </summary>
public static class SchemaRegistrySettingsValidator
{
    /// <summary>Every problem of <paramref name="settings"/>; empty when they are usable.</summary>
    public static IReadOnlyList<string> Problems(SchemaRegistrySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        const string section = SchemaRegistrySettings.SectionName;
        var problems = new List<string>();
        if (!Uri.TryCreate(settings.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            problems.Add($"{section}:Url must be an http(s) address (got '{settings.Redact(settings.Url)}').");
        else if (url.UserInfo.Length > 0)
            problems.Add($"{section}:Url must not carry credentials ('{SchemaRegistrySettings.RedactedUrl(settings.Url)}'): put them in {section}:BasicAuthUserInfo as user:password.");
        var colon = settings.BasicAuthUserInfo.IndexOf(':', StringComparison.Ordinal);
        if (settings.BasicAuthUserInfo.Length > 0 && (colon <= 0 || colon == settings.BasicAuthUserInfo.Length - 1))
            problems.Add($"{section}:BasicAuthUserInfo must be user:password (API key and secret), both parts non-empty.");
        return problems;
    }
}
