namespace Segmenter.Grains.Options;

/// <summary>
/// Section <c>Segmentation</c>, all of it: the grain's topics and timings here, the engine's rules in <see cref="Rules"/>.
/// One type owns the section so that it is bound and validated once (<see cref="SegmenterOptionsValidator"/>); the
/// rules' keys stay flat (<c>Segmentation:InactivityTimeout</c>, not <c>Segmentation:Rules:InactivityTimeout</c>), so the
/// host binds the section into <see cref="Rules"/> as well.
/// </summary>
public sealed class SegmenterOptions
{
    public const string SectionName = "Segmentation";

    /// <summary>The Orleans stream provider that carries events in and results out.</summary>
    public const string StreamProvider = "segmenter";

    /// <summary>Grain storage name of the device state.</summary>
    public const string StorageName = "device-sessions";

    /// <summary>The segmentation rules (inactivity timeout, purge, ...), a plain value the engine takes a copy of.</summary>
    public Segmentation.SegmentationOptions Rules { get; set; } = new();

    /// <summary>Input topic (stream namespace <c>events</c>).</summary>
    public string EventsTopic { get; set; } = "events";

    /// <summary>Output topic of re-keyed events (stream namespace <c>session-events</c>).</summary>
    public string SessionEventsTopic { get; set; } = "session-events";

    /// <summary>Output topic of session summaries (stream namespace <c>sessions</c>).</summary>
    public string SessionsTopic { get; set; } = "sessions";

    /// <summary>Where undecodable input records go.</summary>
    public string DeadLetterTopic { get; set; } = "events-dead-letters";

    /// <summary>
    /// Period of each input partition's reminder, which brings the partition's deadline scheduler back after its silo
    /// died (one reminder per partition, never one per device). Orleans refuses periods under
    /// <c>ReminderOptions.MinimumReminderPeriod</c> (1 minute by default).
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often each partition's deadline scheduler looks for due sessions and idle devices (and how often a silo
    /// reports its partitions' progress to their schedulers): timeouts fire up to about this much late.
    /// </summary>
    public TimeSpan SchedulerInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a device's activation stays in memory without a call (Orleans' collection age for the device grain;
    /// collection runs once a minute). An idle device costs nothing but its Redis key; its next event activates it again
    /// with one read. Orleans' default for other grains is 15 minutes, which at a million sparse devices is gigabytes.
    /// </summary>
    public TimeSpan DeviceCollectionAge { get; set; } = TimeSpan.FromMinutes(2);
}
