namespace Segmenter.Grains.Hosting;

/// <summary>
/// Settings of the grain and its streams (section <c>Segmentation</c>, beside the rules' own settings in
/// <see cref="Segmentation.SegmentationOptions"/>).
/// </summary>
public sealed class SegmenterOptions
{
    public const string SectionName = "Segmentation";

    /// <summary>The Orleans stream provider that carries events in and results out.</summary>
    public const string StreamProvider = "segmenter";

    /// <summary>Grain storage name of the device state.</summary>
    public const string StorageName = "device-sessions";

    /// <summary>Input topic (stream namespace <c>events</c>).</summary>
    public string EventsTopic { get; set; } = "events";

    /// <summary>Output topic of re-keyed events (stream namespace <c>session-events</c>).</summary>
    public string SessionEventsTopic { get; set; } = "session-events";

    /// <summary>Output topic of session summaries (stream namespace <c>sessions</c>).</summary>
    public string SessionsTopic { get; set; } = "sessions";

    /// <summary>Where undecodable input records go.</summary>
    public string DeadLetterTopic { get; set; } = "events-dead-letters";

    /// <summary>
    /// Period of each device's durable reminder, the backstop of timeout and purge when the grain is not active (its
    /// timer gives the fine resolution while it is). Orleans refuses periods under
    /// <c>ReminderOptions.MinimumReminderPeriod</c> (1 minute by default).
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a silo reports its partitions' read progress (the stream-time clock of rule 4).</summary>
    public TimeSpan PartitionClockInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a timeout waits for a fresh report from the device's partition reader (after a restart or a hand-over)
    /// before processing time decides alone.
    /// </summary>
    public TimeSpan PartitionClockPatience { get; set; } = TimeSpan.FromSeconds(30);

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var (name, value) in new[] { (nameof(EventsTopic), EventsTopic), (nameof(SessionEventsTopic), SessionEventsTopic), (nameof(SessionsTopic), SessionsTopic), (nameof(DeadLetterTopic), DeadLetterTopic) })
        {
            if (string.IsNullOrWhiteSpace(value))
                problems.Add($"{SectionName}:{name} must name a topic.");
        }

        if (new[] { EventsTopic, SessionEventsTopic, SessionsTopic, DeadLetterTopic }.Distinct(StringComparer.Ordinal).Count() < 4)
            problems.Add($"{SectionName}: the topics {EventsTopic}, {SessionEventsTopic}, {SessionsTopic} and {DeadLetterTopic} must all differ.");
        if (ReminderPeriod <= TimeSpan.Zero)
            problems.Add($"{SectionName}:{nameof(ReminderPeriod)} must be positive (got {ReminderPeriod}).");
        if (PartitionClockPatience < TimeSpan.Zero)
            problems.Add($"{SectionName}:{nameof(PartitionClockPatience)} must not be negative (got {PartitionClockPatience}).");
        if (PartitionClockInterval <= TimeSpan.Zero)
            problems.Add($"{SectionName}:{nameof(PartitionClockInterval)} must be positive (got {PartitionClockInterval}).");
        return problems;
    }
}
