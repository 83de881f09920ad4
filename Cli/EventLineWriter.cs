using System.Text;
using System.Text.Json;
using Segmenter.Contracts;

namespace Segmenter.Cli;

/// <summary>
/// Writes events in the events-file format that <see cref="EventLineParser"/> reads, so that what the driver sent
/// (<c>--record</c>) can be replayed or verified later.
/// </summary>
public static class EventLineWriter
{
    public static string ToJson(string deviceId, Envelope envelope)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("device", deviceId);
            json.WriteString("event", envelope.Event.Kind);
            if (envelope.Event is DataReceived data)
            {
                json.WriteString("name", data.Name);
                json.WriteNumber("value", data.Value);
            }

            json.WriteString("timestamp", TimestampText.Format(envelope.Timestamp));
            if (envelope.Seq is { } seq)
                json.WriteNumber("seq", seq);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
