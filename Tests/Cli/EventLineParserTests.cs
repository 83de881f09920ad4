using Segmenter.Cli;
using Segmenter.Contracts;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Cli;

[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class EventLineParserTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Reads_each_event_kind_with_iso_or_epoch_timestamps_and_optional_seq()
    {
        Assert.Equal(new EventLine(1, "d1", new Envelope(DeviceWokeUp.Instance, T0, 1)),
            Parse("""{"device": "d1", "event": "DeviceWokeUp", "timestamp": "2026-01-01T00:00:00.000Z", "seq": 1}"""));
        Assert.Equal(new EventLine(1, "d1", new Envelope(new DataReceived("pressure", 0.5), T0.AddMilliseconds(250))),
            Parse("""{"device": "d1", "event": "DataReceived", "name": "pressure", "value": 0.5, "timestamp": 1767225600250}"""));
        Assert.Equal(new EventLine(1, "d1", new Envelope(AllDataReceived.Instance, T0.AddHours(-1), null)),
            Parse("""{"device":"d1","event":"AllDataReceived","timestamp":"2026-01-01T01:00:00+02:00","seq":null}"""));
    }

    [Fact]
    public void Keeps_millisecond_precision_as_avro_does()
    {
        var line = Parse("""{"device": "d1", "event": "DeviceWokeUp", "timestamp": "2026-01-01T00:00:00.1239Z"}""");
        Assert.Equal(T0.AddMilliseconds(123), line.Envelope.Timestamp);
    }

    [Fact]
    public void Writes_what_it_reads()
    {
        var envelope = new Envelope(new DataReceived("wind", 0.275), T0.AddMilliseconds(1), 7);
        Assert.Equal(new EventLine(3, "d-9", envelope), Parse(EventLineWriter.ToJson("d-9", envelope), 3));
    }

    [Theory]
    [InlineData("{\"device\": \"d1\", \"event\": \"DeviceWokeUp\"", "not valid JSON")]
    [InlineData("""[1, 2]""", "expected a JSON object, found an array")]
    [InlineData("""{"event": "DeviceWokeUp", "timestamp": 0}""", "\"device\" is missing")]
    [InlineData("""{"device": "", "event": "DeviceWokeUp", "timestamp": 0}""", "\"device\" must be a non-empty string")]
    [InlineData("""{"device": "d1", "event": "AllDataSent", "timestamp": 0}""", "\"event\" must be DeviceWokeUp, DataReceived or AllDataReceived, found \"AllDataSent\"")]
    [InlineData("""{"device": "d1", "event": "DataReceived", "value": 1, "timestamp": 0}""", "\"name\" is missing")]
    [InlineData("""{"device": "d1", "event": "DataReceived", "name": "x", "timestamp": 0}""", "\"value\" is missing")]
    [InlineData("""{"device": "d1", "event": "DataReceived", "name": "x", "value": "1", "timestamp": 0}""", "\"value\" must be a finite number, found a string")]
    [InlineData("""{"device": "d1", "event": "DeviceWokeUp", "name": "x", "timestamp": 0}""", "\"name\" and \"value\" belong to DataReceived only")]
    [InlineData("""{"device": "d1", "event": "DeviceWokeUp"}""", "\"timestamp\" is missing")]
    [InlineData("""{"device": "d1", "event": "DeviceWokeUp", "timestamp": "yesterday"}""", "\"timestamp\" must be ISO-8601 text")]
    [InlineData("""{"device": "d1", "event": "DeviceWokeUp", "timestamp": 1.5}""", "\"timestamp\" must be ISO-8601 text")]
    [InlineData("""{"device": "d1", "event": "DeviceWokeUp", "timestamp": -1}""", "out of range")]
    [InlineData("""{"device": "d1", "event": "DeviceWokeUp", "timestamp": 1790000000000000}""", "\"timestamp\" 1790000000000000 is out of range for epoch milliseconds (0 to 253370764799999, up to 9998-12-31T23:59:59.999Z)")]
    [InlineData("""{"device": "d1", "event": "DeviceWokeUp", "timestamp": "9999-06-01T00:00:00Z"}""", "\"timestamp\" 9999-06-01T00:00:00Z is outside the event times Segmenter represents (0002-01-01T00:00:00.000Z to 9998-12-31T23:59:59.999Z)")]
    [InlineData("""{"device": "d1", "event": "DeviceWokeUp", "timestamp": "0001-06-01T00:00:00Z"}""", "is outside the event times Segmenter represents")]
    [InlineData("""{"device": "d1", "event": "DeviceWokeUp", "timestamp": 0, "seq": 1.5}""", "\"seq\" must be a whole number or null, found 1.5")]
    [InlineData("""{"device": "d1", "event": "DeviceWokeUp", "timestamp": 0, "sequence": 1}""", "unknown property \"sequence\"")]
    public void Refuses_a_bad_line_with_the_reason(string text, string reason)
    {
        Assert.False(EventLineParser.TryParse(text, 1, out var line, out var actual));
        Assert.Null(line);
        Assert.Contains(reason, actual, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_is_read_whole_and_a_bad_line_stops_it_with_its_number()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(path,
            [
                """{"device": "d1", "event": "DeviceWokeUp", "timestamp": 0}""",
                "",
                """{"device": "d1", "event": "DataReceived", "name": "x", "value": 1, "timestamp": 1}""",
                """{"device": "d1", "event": "AllDataReceived", "timestamp": "soon"}""",
            ]);
            var failure = await Assert.ThrowsAsync<CommandFailedException>(() => EventFile.ReadAsync(path, CancellationToken.None));
            Assert.Equal(ExitCodes.Usage, failure.ExitCode);
            Assert.StartsWith($"{path}:4: \"timestamp\" must be ISO-8601 text", failure.Message, StringComparison.Ordinal);

            await File.WriteAllLinesAsync(path, ["""{"device": "d1", "event": "DeviceWokeUp", "timestamp": 0}""", "", """{"device": "d1", "event": "AllDataReceived", "timestamp": 5}"""]);
            var lines = await EventFile.ReadAsync(path, CancellationToken.None);
            Assert.Equal([1, 3], lines.Select(l => l.LineNumber));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static EventLine Parse(string text, int lineNumber = 1)
    {
        Assert.True(EventLineParser.TryParse(text, lineNumber, out var line, out var reason), reason);
        return line!;
    }
}
