using Segmenter.Grains.Metrics;
using Segmenter.Silo.Monitoring;
using Segmenter.Streaming.EventHubs;
using Segmenter.Streaming.Kafka.Metrics;

namespace Segmenter.Tests.Monitoring;

internal enum InstrumentKind
{
    Counter,
    Gauge,
    Histogram,
}

/// <summary>One instrument the silo exports, and the names Prometheus stores it under.</summary>
internal sealed record ExportedInstrument(string Meter, string Name, string Unit, InstrumentKind Kind)
{
    /// <summary>
    /// The metric family as the OpenTelemetry Prometheus exporter names it (default translation strategy): every
    /// character Prometheus does not allow becomes <c>_</c>, then the unit is added as a word (<c>ms</c> as
    /// <c>_milliseconds</c>, <c>s</c> as <c>_seconds</c>; annotations such as <c>{record}</c> add nothing).
    /// </summary>
    public string Family
    {
        get
        {
            var name = new string([.. Name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':' ? c : '_')]);
            var unit = Unit switch
            {
                "ms" => "milliseconds",
                "s" => "seconds",
                "By" => "bytes",
                _ when Unit.StartsWith('{') || Unit.Length == 0 => "",
                _ => throw new InvalidOperationException($"{Name}: add the exporter's word for unit '{Unit}' here."),
            };
            return unit.Length == 0 || name.EndsWith("_" + unit, StringComparison.Ordinal) ? name : $"{name}_{unit}";
        }
    }

    /// <summary>The series names a query uses: counters end in <c>_total</c>; a histogram is buckets, sum and count.</summary>
    public IReadOnlyList<string> Series => Kind switch
    {
        InstrumentKind.Counter => [Family + "_total"],
        InstrumentKind.Histogram => [Family + "_bucket", Family + "_sum", Family + "_count"],
        _ => [Family],
    };
}

/// <summary>
/// The one list of what the silo exports for operators: every instrument of Segmenter's meters (a test compares it
/// with the meters themselves), one of Orleans' to show its meter is exported, and the Prometheus names derived from
/// them. <c>MetricsEndpointTests</c> scrapes a real silo and finds these names; the Grafana dashboard may query only
/// these names, and the README's table lists them.
/// </summary>
internal static class ExportedMetrics
{
    public static IReadOnlyList<ExportedInstrument> All { get; } =
    [
        new(KafkaStreamMetrics.MeterName, "kafka.stream.records.consumed", "{record}", InstrumentKind.Counter),
        new(KafkaStreamMetrics.MeterName, "kafka.stream.records.produced", "{record}", InstrumentKind.Counter),
        new(KafkaStreamMetrics.MeterName, "kafka.stream.records.dead_lettered", "{record}", InstrumentKind.Counter),
        new(KafkaStreamMetrics.MeterName, "kafka.stream.records.dead_letter_lost", "{record}", InstrumentKind.Counter),
        new(KafkaStreamMetrics.MeterName, "kafka.stream.records.skipped", "{record}", InstrumentKind.Counter),
        new(KafkaStreamMetrics.MeterName, "kafka.stream.offsets.committed", "{commit}", InstrumentKind.Counter),
        new(KafkaStreamMetrics.MeterName, "kafka.stream.commit.duration", "ms", InstrumentKind.Histogram),
        new(KafkaStreamMetrics.MeterName, "kafka.stream.partition.lag", "{record}", InstrumentKind.Gauge),
        new(KafkaStreamMetrics.MeterName, "kafka.stream.partition.unread", "{record}", InstrumentKind.Gauge),
        new(KafkaStreamMetrics.MeterName, "kafka.stream.partition.pending", "{event}", InstrumentKind.Gauge),
        new(KafkaStreamMetrics.MeterName, "kafka.stream.partition.pending_age", "s", InstrumentKind.Gauge),
        new(KafkaStreamMetrics.MeterName, "kafka.stream.partition.stalled", "{partition}", InstrumentKind.Gauge),
        new(SessionMetrics.MeterName, "segmenter.sessions.closed", "{session}", InstrumentKind.Counter),
        new(SessionMetrics.MeterName, "segmenter.delivery.duration", "ms", InstrumentKind.Histogram),
        new(SessionMetrics.MeterName, "segmenter.redis.write.duration", "ms", InstrumentKind.Histogram),
        new(SessionMetrics.MeterName, "segmenter.scheduler.timeouts", "{session}", InstrumentKind.Counter),
        new(SessionMetrics.MeterName, "segmenter.scheduler.purges", "{device}", InstrumentKind.Counter),
        new(EventHubStreamMetrics.MeterName, "eventhubs.stream.events.read", "{event}", InstrumentKind.Counter),
        new(EventHubStreamMetrics.MeterName, "eventhubs.stream.events.undecodable", "{event}", InstrumentKind.Counter),
        new(EventHubStreamMetrics.MeterName, "eventhubs.stream.events.written", "{event}", InstrumentKind.Counter),
        new(SiloTelemetry.OrleansMeter, "orleans-catalog-activations", "", InstrumentKind.Gauge),
    ];

    /// <summary>Every series name above.</summary>
    public static IReadOnlySet<string> SeriesNames { get; } = All.SelectMany(i => i.Series).ToHashSet(StringComparer.Ordinal);

    public static ExportedInstrument Named(string instrument) => All.Single(i => i.Name == instrument);
}
