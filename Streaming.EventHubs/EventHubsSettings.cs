using System.Globalization;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Azure.Messaging.EventHubs;

namespace Segmenter.Streaming.EventHubs;

/// <summary>
/// Section <c>EventHubs</c>: where the silo reads its input events when <c>Segmenter:Transport</c> is
/// <c>eventhubs</c>, and where it keeps its read positions. The output hubs are named like the Kafka topics
/// (<c>Segmentation:SessionEventsTopic</c> and <c>Segmentation:SessionsTopic</c>) in the same namespace.
/// </summary>
public sealed partial class EventHubsSettings
{
    public const string SectionName = "EventHubs";

    /// <summary>
    /// Connection string of the Event Hubs namespace (<c>Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=...</c>),
    /// without <c>EntityPath</c>: the same connection reaches the input hub and both output hubs. Required.
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The hub the device events arrive on (the counterpart of the Kafka topic <c>events</c>). Required.</summary>
    public string EventHubName { get; set; } = "";

    /// <summary>The consumer group the silos read the input hub with.</summary>
    public string ConsumerGroup { get; set; } = "$Default";

    /// <summary>
    /// Azure Storage connection string of the table that holds each partition's read position (the Orleans Azure Table
    /// checkpointer). Required: without it a restarted silo would not know where it stopped.
    /// </summary>
    public string CheckpointConnectionString { get; set; } = "";

    /// <summary>Name of that table (Azure table names: a letter, then letters or digits, 3 to 63 in all).</summary>
    public string CheckpointTable { get; set; } = "SegmenterCheckpoints";

    /// <summary>How often a partition's position is written to the table at most.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Where a partition without a checkpoint starts: false (the default) reads all the hub still retains, so no
    /// event is skipped at the first start; true starts at the newest event, as the Orleans provider does by default.
    /// </summary>
    public bool StartFromNow { get; set; }

    /// <summary>Every problem of these settings, each naming its setting; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            problems.Add($"{SectionName}:{nameof(ConnectionString)} is required (the Event Hubs namespace connection string, 'Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...').");
        }
        else
        {
            // The messages never repeat the connection string: it carries a secret.
            try
            {
                var properties = EventHubsConnectionStringProperties.Parse(ConnectionString);
                if (!string.IsNullOrEmpty(properties.EventHubName))
                    problems.Add($"{SectionName}:{nameof(ConnectionString)} must be the namespace's connection string without EntityPath (it names the hub '{properties.EventHubName}'); the silo reaches the input and both output hubs with it.");
            }
            catch (FormatException e)
            {
                problems.Add($"{SectionName}:{nameof(ConnectionString)} is not an Event Hubs connection string: {e.Message}");
            }
        }

        if (string.IsNullOrWhiteSpace(EventHubName))
            problems.Add($"{SectionName}:{nameof(EventHubName)} is required (the hub the device events arrive on, e.g. 'events').");
        else if (!HubName().IsMatch(EventHubName))
            problems.Add($"{SectionName}:{nameof(EventHubName)} '{EventHubName}' is not an event hub name (letters, digits, '.', '-', '_'; 1 to 256 characters; starting and ending with a letter or digit).");
        if (string.IsNullOrWhiteSpace(ConsumerGroup))
            problems.Add($"{SectionName}:{nameof(ConsumerGroup)} must name a consumer group (default '$Default').");

        if (string.IsNullOrWhiteSpace(CheckpointConnectionString))
        {
            problems.Add($"{SectionName}:{nameof(CheckpointConnectionString)} is required (an Azure Storage connection string; each partition's read position is kept in a table there).");
        }
        else
        {
            try
            {
                // Parses the connection string only; no request is sent.
                _ = new TableServiceClient(CheckpointConnectionString);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                problems.Add($"{SectionName}:{nameof(CheckpointConnectionString)} is not an Azure Storage connection string: {e.Message}");
            }
        }

        if (!TableName().IsMatch(CheckpointTable ?? ""))
            problems.Add($"{SectionName}:{nameof(CheckpointTable)} '{CheckpointTable}' is not an Azure table name (a letter, then letters or digits; 3 to 63 characters).");
        if (CheckpointInterval <= TimeSpan.Zero)
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{SectionName}:{nameof(CheckpointInterval)} must be positive (got {CheckpointInterval})."));
        return problems;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableName();

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,254}[A-Za-z0-9])?$")]
    private static partial Regex HubName();
}
