using System.Globalization;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Azure.Messaging.EventHubs;

namespace Segmenter.Streaming.EventHubs;

/// <summary>
/// Every problem of section <c>EventHubs</c> at once, each naming its setting and never repeating a connection string
/// (it carries a secret). <c>AddSegmenterEventHubs</c> refuses settings with problems, and the silo program lists them
/// with <see cref="Problems"/> before anything starts. Not an <c>IValidateOptions</c>: the wiring takes the settings as
/// an object and reads them at once, so there are no options to validate on start.
/// </summary>
public static partial class EventHubsSettingsValidator
{
    /// <summary>Every problem of <paramref name="settings"/>, each naming its setting; empty when they are usable.</summary>
    public static IReadOnlyList<string> Problems(EventHubsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        const string section = EventHubsSettings.SectionName;
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            problems.Add($"{section}:{nameof(settings.ConnectionString)} is required (the Event Hubs namespace connection string, 'Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...').");
        }
        else
        {
            // The messages never repeat the connection string: it carries a secret.
            try
            {
                var properties = EventHubsConnectionStringProperties.Parse(settings.ConnectionString);
                if (!string.IsNullOrEmpty(properties.EventHubName))
                    problems.Add($"{section}:{nameof(settings.ConnectionString)} must be the namespace's connection string without EntityPath (it names the hub '{properties.EventHubName}'); the silo reaches the input and both output hubs with it.");
            }
            catch (FormatException e)
            {
                problems.Add($"{section}:{nameof(settings.ConnectionString)} is not an Event Hubs connection string: {e.Message}");
            }
        }

        if (string.IsNullOrWhiteSpace(settings.EventHubName))
            problems.Add($"{section}:{nameof(settings.EventHubName)} is required (the hub the device events arrive on, e.g. 'events').");
        else if (!HubName().IsMatch(settings.EventHubName))
            problems.Add($"{section}:{nameof(settings.EventHubName)} '{settings.EventHubName}' is not an event hub name (letters, digits, '.', '-', '_'; 1 to 256 characters; starting and ending with a letter or digit).");
        if (string.IsNullOrWhiteSpace(settings.ConsumerGroup))
            problems.Add($"{section}:{nameof(settings.ConsumerGroup)} must name a consumer group (default '$Default').");

        if (string.IsNullOrWhiteSpace(settings.CheckpointConnectionString))
        {
            problems.Add($"{section}:{nameof(settings.CheckpointConnectionString)} is required (an Azure Storage connection string; each partition's read position is kept in a table there).");
        }
        else
        {
            try
            {
                // Parses the connection string only; no request is sent.
                _ = new TableServiceClient(settings.CheckpointConnectionString);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                problems.Add($"{section}:{nameof(settings.CheckpointConnectionString)} is not an Azure Storage connection string: {e.Message}");
            }
        }

        if (!TableName().IsMatch(settings.CheckpointTable ?? ""))
            problems.Add($"{section}:{nameof(settings.CheckpointTable)} '{settings.CheckpointTable}' is not an Azure table name (a letter, then letters or digits; 3 to 63 characters).");
        if (settings.CheckpointInterval <= TimeSpan.Zero)
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{section}:{nameof(settings.CheckpointInterval)} must be positive (got {settings.CheckpointInterval})."));
        return problems;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableName();

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,254}[A-Za-z0-9])?$")]
    private static partial Regex HubName();
}
