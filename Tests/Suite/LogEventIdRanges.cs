namespace Segmenter.Tests.Suite;

/// <summary>
/// The event id range of each product assembly, as the README's "Log event ids" table documents them: ids stay unique
/// across the product, and the thousand says which part wrote a line. Assemblies that share a range share an area.
/// </summary>
internal static class LogEventIdRanges
{
    public static IReadOnlyList<(string Assembly, int First, int Last)> All { get; } =
    [
        ("Segmenter.Streaming.Kafka", 1000, 1999),
        ("Segmenter.Streaming.Kafka.Security", 1000, 1999),
        ("Segmenter.Streaming.EventHubs", 2000, 2999),
        ("Segmenter.Grains", 3000, 3999),
        ("Segmenter.Grains.Interfaces", 3000, 3999),
        ("Segmenter.Persistence.Redis", 3000, 3999),
        ("Segmenter.Hosting", 4000, 4999),
        ("Segmenter.Silo", 5000, 5999),
        ("Segmenter.Embedded", 6000, 6999),
        ("Segmenter.Embedded.Kafka", 6000, 6999),
        ("Segmenter.Cli", 7000, 7999),
        ("Segmenter.Driver", 7000, 7999),
        ("Segmenter.Reader", 7000, 7999),
        ("Segmenter.Serialization", 8000, 8999),
        ("Segmenter.Streaming.Abstractions", 8000, 8999),
    ];

    /// <summary>The Kafka provider's areas, which its own README lists for users filtering its lines.</summary>
    public static IReadOnlyList<(string Area, int First, int Last)> KafkaAreas { get; } =
    [
        ("receiving", 1000, 1099),
        ("offset commits", 1100, 1199),
        ("producing and librdkafka", 1200, 1299),
        ("hand-over", 1300, 1399),
        ("topics and metrics", 1400, 1499),
        ("delivery failures", 1500, 1599),
        ("dead letters", 1600, 1699),
    ];

    public static (int First, int Last)? Of(string assembly) =>
        All.Where(r => r.Assembly == assembly).Select(r => ((int, int)?)(r.First, r.Last)).FirstOrDefault();
}
