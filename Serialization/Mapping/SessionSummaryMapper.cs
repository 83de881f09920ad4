using System.Collections.Immutable;
using Avro;
using Avro.Generic;
using Segmenter.Contracts;

namespace Segmenter.Serialization.Mapping;

/// <summary><see cref="SessionSummary"/> as Avro <c>sessions.SessionSummary</c>.</summary>
public sealed class SessionSummaryMapper : IAvroRecordMapper<SessionSummary>
{
    public const string FullName = "sessions.SessionSummary";

    private readonly EnumSchema _reason;
    private readonly RecordSchema _metric;

    public SessionSummaryMapper(RecordSchema? schema = null)
    {
        Schema = schema ?? ContractSchemas.SessionSummary;
        _reason = (EnumSchema)Schema["reason"].Schema;
        _metric = (RecordSchema)((MapSchema)Schema["metrics"].Schema).ValueSchema;
    }

    public RecordSchema Schema { get; }

    public GenericRecord ToRecord(SessionSummary value)
    {
        var metrics = new Dictionary<string, object>(value.Metrics.Count, StringComparer.Ordinal);
        foreach (var (name, m) in value.Metrics)
        {
            var metric = new GenericRecord(_metric);
            metric.Add("count", m.Count);
            metric.Add("min", m.Min);
            metric.Add("max", m.Max);
            metric.Add("mean", m.Mean);
            metric.Add("last", m.Last);
            metrics[name] = metric;
        }

        var record = new GenericRecord(Schema);
        record.Add("deviceId", value.DeviceId);
        record.Add("sessionId", value.SessionId);
        record.Add("started", value.Started.ToAvroTimestamp());
        record.Add("ended", value.Ended.ToAvroTimestamp());
        record.Add("eventCount", value.EventCount);
        record.Add("reason", new GenericEnum(_reason, value.Reason.ToString()));
        record.Add("startedWithoutWakeUp", value.StartedWithoutWakeUp);
        record.Add("duplicatesDropped", value.DuplicatesDropped);
        record.Add("outOfOrder", value.OutOfOrder);
        record.Add("metrics", metrics);
        return record;
    }

    public SessionSummary FromRecord(GenericRecord record)
    {
        record.ExpectName(FullName);
        var reasonSymbol = record.Required<GenericEnum>("reason").Value;
        if (!Enum.TryParse<CloseReason>(reasonSymbol, ignoreCase: false, out var reason))
            throw new AvroDecodeException(AvroDecodeError.UnknownUnionBranch, $"Unknown close reason '{reasonSymbol}' in {FullName}.reason.");

        var metrics = ImmutableSortedDictionary.CreateBuilder<string, MetricSummary>(StringComparer.Ordinal);
        foreach (var (name, value) in record.Required<IDictionary<string, object>>("metrics"))
        {
            var m = value as GenericRecord
                ?? throw new AvroDecodeException(AvroDecodeError.SchemaMismatch, $"Metric '{name}' of {FullName} is not a record.");
            metrics[name] = new MetricSummary(m.Required<long>("count"), m.Required<double>("min"), m.Required<double>("max"), m.Required<double>("mean"), m.Required<double>("last"));
        }

        return new SessionSummary(
            record.Required<string>("deviceId"),
            record.Required<string>("sessionId"),
            record.Timestamp("started"),
            record.Timestamp("ended"),
            record.Required<long>("eventCount"),
            reason,
            record.Required<bool>("startedWithoutWakeUp"),
            record.Required<long>("duplicatesDropped"),
            record.Required<long>("outOfOrder"),
            metrics.ToImmutable());
    }
}
