using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Segmenter.Contracts;
using Segmenter.Reader.Records;

namespace Segmenter.Reader.Output;

/// <summary>
/// One JSON object per record, camelCase, times in epoch milliseconds, for scripts and tests. Every record has
/// <c>topic</c>, <c>partition</c>, <c>offset</c>; then per kind: session events add <c>device</c>, <c>sessionId</c>,
/// <c>event</c>, <c>name</c>, <c>value</c>, <c>timestamp</c>, <c>seq</c>, <c>sourcePartition</c>, <c>sourceOffset</c>;
/// summaries add <c>device</c>, <c>sessionId</c>, <c>reason</c>, <c>eventCount</c>, <c>startedWithoutWakeUp</c>,
/// <c>duplicatesDropped</c>, <c>outOfOrder</c>, <c>started</c>, <c>ended</c>, <c>metrics</c> (name -> count, min, max,
/// mean, last); input events add <c>device</c> and the event fields; undecodable records add <c>error</c>, <c>message</c>.
/// Absent values are written as null, so every line of a kind has the same shape.
/// </summary>
internal sealed class JsonRecordFormatter : IRecordFormatter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Format(TopicRecord record)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            json.WriteString("topic", record.Topic);
            json.WriteNumber("partition", record.Partition);
            json.WriteNumber("offset", record.Offset);
            switch (record)
            {
                case SessionEventRecord e:
                    json.WriteString("device", e.Key.Device.Id);
                    json.WriteString("sessionId", e.Key.SessionId);
                    WriteEnvelope(json, e.Envelope);
                    WriteNullableNumber(json, "sourcePartition", e.Source?.Partition);
                    WriteNullableNumber(json, "sourceOffset", e.Source?.Offset);
                    break;
                case SessionSummaryRecord s:
                    WriteSummary(json, s.Summary);
                    break;
                case InputEventRecord i:
                    json.WriteString("device", i.DeviceId);
                    WriteEnvelope(json, i.Envelope);
                    break;
                case UndecodableRecord u:
                    json.WriteString("error", u.Error);
                    json.WriteString("message", u.Message);
                    break;
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteEnvelope(Utf8JsonWriter json, Envelope envelope)
    {
        json.WriteString("event", envelope.Event.Kind);
        if (envelope.Event is DataReceived data)
        {
            json.WriteString("name", data.Name);
            json.WriteNumber("value", data.Value);
        }
        else
        {
            json.WriteNull("name");
            json.WriteNull("value");
        }

        json.WriteNumber("timestamp", envelope.Timestamp.ToUnixTimeMilliseconds());
        WriteNullableNumber(json, "seq", envelope.Seq);
    }

    private static void WriteSummary(Utf8JsonWriter json, SessionSummary summary)
    {
        json.WriteString("device", summary.DeviceId);
        json.WriteString("sessionId", summary.SessionId);
        json.WriteString("reason", summary.Reason.ToString());
        json.WriteNumber("eventCount", summary.EventCount);
        json.WriteBoolean("startedWithoutWakeUp", summary.StartedWithoutWakeUp);
        json.WriteNumber("duplicatesDropped", summary.DuplicatesDropped);
        json.WriteNumber("outOfOrder", summary.OutOfOrder);
        json.WriteNumber("started", summary.Started.ToUnixTimeMilliseconds());
        json.WriteNumber("ended", summary.Ended.ToUnixTimeMilliseconds());
        json.WriteStartObject("metrics");
        foreach (var (name, metric) in summary.Metrics)
        {
            json.WriteStartObject(name);
            json.WriteNumber("count", metric.Count);
            json.WriteNumber("min", metric.Min);
            json.WriteNumber("max", metric.Max);
            json.WriteNumber("mean", metric.Mean);
            json.WriteNumber("last", metric.Last);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WriteNullableNumber(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } number)
            json.WriteNumber(name, number);
        else
            json.WriteNull(name);
    }
}
