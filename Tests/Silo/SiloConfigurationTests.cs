using Microsoft.Extensions.Configuration;
using Segmenter.Grains.Options;
using Segmenter.Silo.Configuration;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Silo;

/// <summary>
/// One binding per section and one validator per settings type, as the silo program reads them before it starts:
/// section <c>Segmentation</c> fills one type (rules included, keys flat), and the Kafka settings are judged by the
/// provider's own rules, named as configuration keys, each problem once.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class SiloConfigurationTests
{
    [Fact]
    public void Section_Segmentation_fills_one_options_type_rules_included_with_the_documented_keys()
    {
        var config = Read(new()
        {
            ["Segmentation:InactivityTimeout"] = "00:00:09",
            ["Segmentation:MaxSessionDuration"] = "00:10:00",
            ["Segmentation:SessionsTopic"] = "summaries",
            ["Segmentation:SchedulerInterval"] = "00:00:01",
        }, out var problems);

        Assert.Empty(problems);
        Assert.Equal((TimeSpan.FromSeconds(9), TimeSpan.FromMinutes(10)), (config.Segmenter.Rules.InactivityTimeout, config.Segmenter.Rules.MaxSessionDuration));
        Assert.Equal(("summaries", TimeSpan.FromSeconds(1)), (config.Segmenter.SessionsTopic, config.Segmenter.SchedulerInterval));
    }

    [Fact]
    public void Every_problem_of_section_Segmentation_is_named_at_once()
    {
        var options = new SegmenterOptions { SessionsTopic = "events", SchedulerInterval = TimeSpan.Zero };
        options.Rules.InactivityTimeout = TimeSpan.FromSeconds(-4);

        var result = new SegmenterOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Contains(failures, f => f.StartsWith("Segmentation:InactivityTimeout must be positive", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Segmentation: the topics events, session-events, events and events-dead-letters must all differ", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Segmentation:SchedulerInterval must be positive", StringComparison.Ordinal));
        Assert.Equal(failures, SegmenterOptionsValidator.Problems(options)); // the silo program's early check: the same rules
    }

    [Fact]
    public void Kafka_settings_are_judged_by_the_provider_rules_named_as_configuration_keys_each_once()
    {
        Read(new()
        {
            ["Kafka:BootstrapServers"] = "",
            ["Kafka:CacheSize"] = "1",
            ["Kafka:MaxBatchSize"] = "5",
            ["Kafka:CommitInterval"] = "00:00:00",
        }, out var problems);

        Assert.Equal(
            [
                "Kafka:BootstrapServers is required (e.g. 'localhost:9092').",
                "Kafka:CommitInterval must be positive (got 00:00:00).",
                "Kafka:CacheSize (1) must be at least MaxBatchSize (5).",
            ],
            problems.Where(p => p.StartsWith("Kafka:", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_Kafka_view_holds_the_topics_the_provider_will_read_and_write()
    {
        var config = Read(new() { ["Segmentation:EventsTopic"] = "device-events" }, out var problems);

        Assert.Empty(problems);
        Assert.Equal(["device-events", "session-events", "sessions"], config.Kafka.Topics.Select(t => t.Name));
        Assert.Equal("events-dead-letters", config.Kafka.DeadLetterTopic);
    }

    [Fact]
    public void A_blank_topic_is_named_once_as_the_Segmentation_setting_it_is()
    {
        Read(new() { ["Segmentation:EventsTopic"] = " " }, out var problems);

        Assert.Equal(["Segmentation:EventsTopic must name a topic."], problems);
    }

    [Fact]
    public void Nested_rule_keys_are_refused_by_name_and_the_section_s_other_problems_still_named()
    {
        var config = Read(new() { ["Segmentation:Rules:InactivityTimeout"] = "00:00:30", ["Segmentation:SessionsTopic"] = " " }, out var problems);

        Assert.Equal([
            "Segmentation:Rules is not a setting: the rules' keys sit directly in section Segmentation (e.g. Segmentation:InactivityTimeout).",
            "Segmentation:SessionsTopic must name a topic.",
        ], problems);
        Assert.Equal(TimeSpan.FromSeconds(4), config.Segmenter.Rules.InactivityTimeout); // the shipped value, not the nested one
    }

    [Fact]
    public void A_refused_topic_does_not_hide_the_Kafka_problems_that_depend_on_reading_one()
    {
        Read(new() { ["Segmentation:EventsTopic"] = " ", ["Kafka:ConsumerGroupId"] = "" }, out var problems);

        Assert.Equal(["Segmentation:EventsTopic must name a topic.", "Kafka:ConsumerGroupId is required when topics are read (offsets are committed under it)."], problems);
    }

    /// <summary>The silo's shipped settings with <paramref name="settings"/> on top (as environment or command line would).</summary>
    private static SiloConfiguration Read(Dictionary<string, string?> settings, out IReadOnlyList<string> problems) =>
        SiloConfiguration.Read(new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryPaths.Root, "Silo", "appsettings.json"))
            .AddInMemoryCollection(settings)
            .Build(), out problems);
}
