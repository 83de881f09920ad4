using System.Diagnostics.Metrics;
using Segmenter.Grains.Metrics;
using Segmenter.Silo.Monitoring;
using Segmenter.Streaming.EventHubs;
using Segmenter.Streaming.Kafka.Metrics;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Monitoring;

/// <summary>The list of exported metrics says what the meters really have, and the README documents all of it.</summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class ExportedMetricsTests
{
    [Fact]
    public void The_list_holds_every_instrument_of_Segmenters_meters_with_its_unit_and_kind_and_each_has_a_description()
    {
        string[] meters = [SessionMetrics.MeterName, KafkaStreamMetrics.MeterName, EventHubStreamMetrics.MeterName];
        var found = new Dictionary<string, Instrument>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (meters.Contains(instrument.Meter.Name))
                    lock (found)
                        found[instrument.Name] = instrument;
            },
        };
        using (new SessionMetrics())
        using (new KafkaStreamMetrics("metrics-list"))
        using (new EventHubStreamMetrics())
            listener.Start();

        var listed = ExportedMetrics.All.Where(i => meters.Contains(i.Meter)).ToList();
        Assert.Equal(listed.Select(i => i.Name).Order(StringComparer.Ordinal), found.Keys.Order(StringComparer.Ordinal));
        foreach (var entry in listed)
        {
            var instrument = found[entry.Name];
            Assert.Equal(entry.Meter, instrument.Meter.Name);
            Assert.Equal(entry.Unit, instrument.Unit);
            Assert.Equal(entry.Kind, KindOf(instrument));
            Assert.False(string.IsNullOrWhiteSpace(instrument.Description), $"{entry.Name} has no description");
        }
    }

    [Fact]
    public void The_README_names_every_exported_metric()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        foreach (var instrument in ExportedMetrics.All.Where(i => i.Meter != SiloTelemetry.OrleansMeter))
        {
            // As a query names it: a counter with _total, a histogram by its family (_bucket, _sum, _count follow).
            var name = instrument.Kind == InstrumentKind.Histogram ? instrument.Family : instrument.Series[0];
            Assert.True(readme.Contains($"`{name}`", StringComparison.Ordinal), $"README does not name `{name}` ({instrument.Name})");
        }
    }

    [Theory]
    [InlineData("kafka.stream.records.consumed", "{record}", "Counter", "kafka_stream_records_consumed_total")]
    [InlineData("kafka.stream.partition.pending_age", "s", "Gauge", "kafka_stream_partition_pending_age_seconds")]
    [InlineData("segmenter.delivery.duration", "ms", "Histogram", "segmenter_delivery_duration_milliseconds_bucket")]
    [InlineData("orleans-catalog-activations", "", "Gauge", "orleans_catalog_activations")]
    public void Prometheus_names_are_derived_as_the_exporter_does(string name, string unit, string kind, string series)
    {
        Assert.Equal(series, new ExportedInstrument("m", name, unit, Enum.Parse<InstrumentKind>(kind)).Series[0]);
    }

    private static InstrumentKind KindOf(Instrument instrument) => instrument.GetType().GetGenericTypeDefinition() switch
    {
        var t when t == typeof(Counter<>) => InstrumentKind.Counter,
        var t when t == typeof(ObservableGauge<>) => InstrumentKind.Gauge,
        var t when t == typeof(Histogram<>) => InstrumentKind.Histogram,
        var t => throw new InvalidOperationException($"{instrument.Name}: add {t.Name} to the kinds the list knows"),
    };
}
