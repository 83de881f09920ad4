namespace Segmenter.Silo.Configuration;

/// <summary>Section <c>Orleans</c>: cluster identity and this silo's endpoints (checked by <see cref="OrleansSettingsValidator"/>).</summary>
public sealed class OrleansSettings
{
    public const string SectionName = "Orleans";

    public string ClusterId { get; set; } = "segmenter";
    public string ServiceId { get; set; } = "segmenter";
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos reach this one at (cluster profile); the host's first address when empty.</summary>
    public string AdvertisedAddress { get; set; } = "";
}
