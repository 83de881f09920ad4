namespace Segmenter.Silo.Configuration;

/// <summary>Section <c>Segmenter</c>: the host's own settings (checked by <see cref="SegmenterHostSettingsValidator"/>).</summary>
public sealed class SegmenterHostSettings
{
    public const string SectionName = "Segmenter";

    public string Profile { get; set; } = "embedded";
    public string Transport { get; set; } = "kafka";

    /// <summary>Where the embedded profile keeps Redis' files.</summary>
    public string DataDirectory { get; set; } = ".data";

    /// <summary>How often the one-line status (record rate, max lag) is logged; zero turns it off.</summary>
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary><see cref="Profile"/> as a profile; null when it names none.</summary>
    public SiloProfile? ParsedProfile => Parse<SiloProfile>(Profile);

    /// <summary><see cref="Transport"/> as a transport; null when it names none.</summary>
    public InputTransport? ParsedTransport => Parse<InputTransport>(Transport);

    // Enum.TryParse also takes numbers ("7"); only the names count.
    private static T? Parse<T>(string text) where T : struct, Enum =>
        Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) ? value : null;
}
