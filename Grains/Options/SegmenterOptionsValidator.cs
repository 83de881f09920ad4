using Microsoft.Extensions.Options;

namespace Segmenter.Grains.Options;

/// <summary>
/// Every problem of section <c>Segmentation</c> at once, each naming its setting: the grain's topics and timings and the
/// engine's rules (<see cref="Segmentation.SegmentationOptions.Validate"/>, which the engine also applies on its own).
/// The silo validates on start with it, and the silo program with <see cref="Problems"/> before anything starts.
/// </summary>
public sealed class SegmenterOptionsValidator : IValidateOptions<SegmenterOptions>
{
    public ValidateOptionsResult Validate(string? name, SegmenterOptions options) =>
        Problems(options) is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;

    /// <summary>Every problem of <paramref name="options"/>; empty when they are usable.</summary>
    public static IReadOnlyList<string> Problems(SegmenterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string section = SegmenterOptions.SectionName;
        var problems = new List<string>(options.Rules.Validate());
        string[] topics = [options.EventsTopic, options.SessionEventsTopic, options.SessionsTopic, options.DeadLetterTopic];
        string[] names = [nameof(options.EventsTopic), nameof(options.SessionEventsTopic), nameof(options.SessionsTopic), nameof(options.DeadLetterTopic)];
        for (var i = 0; i < topics.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(topics[i]))
                problems.Add($"{section}:{names[i]} must name a topic.");
        }

        if (topics.Distinct(StringComparer.Ordinal).Count() < topics.Length)
            problems.Add($"{section}: the topics {topics[0]}, {topics[1]}, {topics[2]} and {topics[3]} must all differ.");
        if (options.ReminderPeriod <= TimeSpan.Zero)
            problems.Add($"{section}:{nameof(options.ReminderPeriod)} must be positive (got {options.ReminderPeriod}).");
        if (options.DeviceCollectionAge <= TimeSpan.FromMinutes(1))
            problems.Add($"{section}:{nameof(options.DeviceCollectionAge)} must be longer than a minute, Orleans' collection quantum (got {options.DeviceCollectionAge}).");
        if (options.SchedulerInterval <= TimeSpan.Zero || options.SchedulerInterval > TimeSpan.FromMinutes(1))
            problems.Add($"{section}:{nameof(options.SchedulerInterval)} must be positive and at most a minute (got {options.SchedulerInterval}).");
        return problems;
    }
}
