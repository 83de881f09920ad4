namespace Segmenter.Silo.Configuration;

/// <summary>Section <c>Segmenter</c>: the host's own settings.</summary>
public sealed class SegmenterHostSettings
{
    public string Profile { get; set; } = "embedded";
    public string Transport { get; set; } = "kafka";

    /// <summary>Where the embedded profile keeps Redis' files.</summary>
    public string DataDirectory { get; set; } = ".data";

    /// <summary>How often the one-line status (record rate, max lag) is logged; zero turns it off.</summary>
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(5);
}
