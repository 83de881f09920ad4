namespace Segmenter.Silo.Configuration;

/// <summary>Every problem of section <c>Http</c> at once, each naming its setting; never repeats the password.</summary>
public static class HttpSettingsValidator
{
    public static IReadOnlyList<string> Problems(HttpSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        const string section = HttpSettings.SectionName;
        var problems = new List<string>();
        var userInfo = settings.BasicAuthUserInfo;
        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        if (userInfo.Length > 0 && (colon <= 0 || colon == userInfo.Length - 1))
            problems.Add($"{section}:{nameof(settings.BasicAuthUserInfo)} must be user:password, both parts non-empty.");
        foreach (var path in settings.AnonymousPathList.Where(p => !p.StartsWith('/')))
            problems.Add($"{section}:{nameof(settings.AnonymousPaths)} must list paths starting with '/' (got '{path}').");
        return problems;
    }
}
