using System.Globalization;

namespace Segmenter.Silo.Configuration;

/// <summary>The one rule for a setting that holds a TCP port, shared by the sections that have one.</summary>
internal static class PortSetting
{
    /// <summary>The problem of <paramref name="port"/> as setting <paramref name="setting"/>, or null when it is a port.</summary>
    public static string? Problem(string setting, int port) =>
        port is < 1 or > 65535 ? string.Create(CultureInfo.InvariantCulture, $"{setting} must be a port number (got {port}).") : null;
}
