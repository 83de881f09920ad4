namespace Segmenter.Streaming.EventHubs;

/// <summary>
/// Section <c>EventHubs</c>: where the silo reads its input events when <c>Segmenter:Transport</c> is
/// <c>eventhubs</c>, and where it keeps its read positions. The output hubs are named like the Kafka topics
/// (<c>Segmentation:SessionEventsTopic</c> and <c>Segmentation:SessionsTopic</c>) in the same namespace. Checked by
/// <see cref="EventHubsSettingsValidator"/>.
/// </summary>
public sealed class EventHubsSettings
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
}
