namespace Segmenter.Silo.Configuration;

/// <summary>Every problem of section <c>Orleans</c> at once, each naming its setting.</summary>
public static class OrleansSettingsValidator
{
    public static IReadOnlyList<string> Problems(OrleansSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        const string section = OrleansSettings.SectionName;
        return [.. new[]
        {
            PortSetting.Problem($"{section}:{nameof(settings.SiloPort)}", settings.SiloPort),
            PortSetting.Problem($"{section}:{nameof(settings.GatewayPort)}", settings.GatewayPort),
        }.OfType<string>()];
    }
}
