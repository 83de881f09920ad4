using Microsoft.Extensions.Configuration;
using Segmenter.Grains.Options;

namespace Segmenter.Hosting;

/// <summary>
/// The one binding of section <c>Segmentation</c>: into <see cref="SegmenterOptions"/>, its rules included. The silo
/// program's early check and the silo's options both bind through here, so they cannot read the section differently.
/// </summary>
public static class SegmenterConfiguration
{
    /// <summary>
    /// Binds section <c>Segmentation</c> of <paramref name="configuration"/> into <paramref name="options"/>. The rules'
    /// keys sit flat beside the topics (<c>Segmentation:InactivityTimeout</c>, as the README documents), so the same
    /// section is also bound into <see cref="SegmenterOptions.Rules"/>. Throws <see cref="InvalidOperationException"/>
    /// naming a value that does not convert, or keys under <c>Segmentation:Rules</c> (the rules' keys are flat).
    /// </summary>
    public static void Bind(IConfiguration configuration, SegmenterOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var section = configuration.GetSection(SegmenterOptions.SectionName);
        section.Bind(options);
        section.Bind(options.Rules);
        // Binding the whole type would also take Segmentation:Rules:*, which the flat keys then silently override:
        // refuse the nested shape (after binding, so that the section's other problems are still named).
        if (section.GetSection(nameof(SegmenterOptions.Rules)).Exists())
            throw new InvalidOperationException(
                $"{SegmenterOptions.SectionName}:{nameof(SegmenterOptions.Rules)} is not a setting: the rules' keys sit directly in section {SegmenterOptions.SectionName} (e.g. {SegmenterOptions.SectionName}:InactivityTimeout).");
    }
}
