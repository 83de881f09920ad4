using System.Globalization;
using System.Text.Json;
using Segmenter.Contracts;

namespace Segmenter.Cli;

/// <summary>
/// Reads one line of an events file: <c>{"device": "d1", "event": "DataReceived", "name": "pressure", "value": 0.5,
/// "timestamp": "2026-01-01T00:00:00.000Z", "seq": 1}</c>. Strict on purpose: a file that replays captured traffic
/// or feeds a verification must mean exactly one thing, so unknown properties, a <c>name</c> on a wake-up or a
/// fractional <c>seq</c> are refused with the reason rather than guessed at.
/// </summary>
public static class EventLineParser
{
    private static readonly string[] Known = ["device", "event", "name", "value", "timestamp", "seq"];

    public const string Format =
        """{"device": "d1", "event": "DeviceWokeUp" | "DataReceived" | "AllDataReceived", "name": "pressure", "value": 0.5, "timestamp": "2026-01-01T00:00:00.000Z" | 1767225600000, "seq": 1}""";

    /// <summary>Parses a line; on failure <paramref name="reason"/> says what is wrong with it.</summary>
    public static bool TryParse(string text, int lineNumber, out EventLine? line, out string reason)
    {
        line = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            reason = $"not valid JSON ({e.Message.Split(" Path:", 2)[0].TrimEnd('.')})";
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                reason = $"expected a JSON object, found {Describe(root.ValueKind)}";
                return false;
            }

            foreach (var property in root.EnumerateObject())
            {
                if (!Known.Contains(property.Name, StringComparer.Ordinal))
                {
                    reason = $"unknown property \"{property.Name}\" (known: {string.Join(", ", Known)})";
                    return false;
                }
            }

            if (!TryRequiredString(root, "device", out var device, out reason)
                || !TryRequiredString(root, "event", out var kind, out reason)
                || !TryEvent(root, kind, out var deviceEvent, out reason)
                || !TryTimestamp(root, out var timestamp, out reason)
                || !TrySeq(root, out var seq, out reason))
                return false;

            line = new EventLine(lineNumber, device, new Envelope(deviceEvent, timestamp, seq));
            reason = "";
            return true;
        }
    }

    private static bool TryRequiredString(JsonElement root, string property, out string value, out string reason)
    {
        value = "";
        if (!root.TryGetProperty(property, out var element))
        {
            reason = $"\"{property}\" is missing";
            return false;
        }

        if (element.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(element.GetString()))
        {
            reason = $"\"{property}\" must be a non-empty string, found {Describe(element.ValueKind)}";
            return false;
        }

        value = element.GetString()!;
        reason = "";
        return true;
    }

    private static bool TryEvent(JsonElement root, string kind, out DeviceEvent deviceEvent, out string reason)
    {
        deviceEvent = DeviceWokeUp.Instance;
        var hasName = root.TryGetProperty("name", out var name);
        var hasValue = root.TryGetProperty("value", out var value);
        switch (kind)
        {
            case nameof(DeviceWokeUp) or nameof(AllDataReceived):
                if (hasName || hasValue)
                {
                    reason = $"\"name\" and \"value\" belong to DataReceived only, not to {kind}";
                    return false;
                }

                deviceEvent = kind == nameof(DeviceWokeUp) ? DeviceWokeUp.Instance : AllDataReceived.Instance;
                reason = "";
                return true;

            case nameof(DataReceived):
                if (!TryRequiredString(root, "name", out var metric, out reason))
                    return false;
                if (!hasValue)
                {
                    reason = "\"value\" is missing (DataReceived needs a name and a value)";
                    return false;
                }

                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
                {
                    reason = $"\"value\" must be a finite number, found {Describe(value.ValueKind)}";
                    return false;
                }

                deviceEvent = new DataReceived(metric, number);
                return true;

            default:
                reason = $"\"event\" must be DeviceWokeUp, DataReceived or AllDataReceived, found \"{kind}\"";
                return false;
        }
    }

    private static bool TryTimestamp(JsonElement root, out DateTimeOffset timestamp, out string reason)
    {
        timestamp = default;
        if (!root.TryGetProperty("timestamp", out var element))
        {
            reason = "\"timestamp\" is missing (ISO-8601 text or epoch milliseconds)";
            return false;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Number when element.TryGetInt64(out var millis):
                // Beyond the event-time range the silo dead-letters the record: refusing the line says so before anything is sent.
                if (millis < 0 || !EventTimeRange.TryFromUnixMilliseconds(millis, out timestamp))
                {
                    reason = $"\"timestamp\" {millis} is out of range for epoch milliseconds (0 to {EventTimeRange.LatestUnixMilliseconds}, up to {EventTimeRange.Latest.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'})";
                    return false;
                }

                reason = "";
                return true;

            case JsonValueKind.String when DateTimeOffset.TryParse(element.GetString(), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed):
                if (!EventTimeRange.Contains(parsed))
                {
                    reason = $"\"timestamp\" {element.GetString()} is outside the event times Segmenter represents ({EventTimeRange.Text})";
                    return false;
                }

                // Avro carries timestamp-millis: finer digits would not survive the trip, and verify matches on them.
                timestamp = DateTimeOffset.FromUnixTimeMilliseconds(parsed.ToUnixTimeMilliseconds());
                reason = "";
                return true;

            default:
                reason = $"\"timestamp\" must be ISO-8601 text (e.g. 2026-01-01T00:00:00.000Z) or whole epoch milliseconds, found {Show(element)}";
                return false;
        }
    }

    private static bool TrySeq(JsonElement root, out long? seq, out string reason)
    {
        seq = null;
        reason = "";
        if (!root.TryGetProperty("seq", out var element) || element.ValueKind == JsonValueKind.Null)
            return true;
        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var value))
        {
            seq = value;
            return true;
        }

        reason = $"\"seq\" must be a whole number or null, found {Show(element)}";
        return false;
    }

    private static string Show(JsonElement element) =>
        element.ValueKind is JsonValueKind.String or JsonValueKind.Number ? element.GetRawText() : Describe(element.ValueKind);

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
