using Segmenter.Partitions;
using System.Globalization;
using Segmenter.Contracts;
using Segmenter.Grains.Segmentation;

namespace Segmenter.Tests.Engine;

/// <summary>
/// A compact language for segmentation scenarios, so that rule tests read as tables. Steps are separated
/// by spaces; times are seconds after a fixed base instant.
/// <list type="bullet">
/// <item><c>W@t</c>, <c>D@t</c>, <c>D(name=v)@t</c>, <c>C@t</c>: DeviceWokeUp, DataReceived, AllDataReceived with
/// event time t; arrival time is t too unless <c>~a</c> follows; <c>#n</c> sets seq n.</item>
/// <item><c>^k</c>: the record of step k (1-based) delivered again, same position.</item>
/// <item><c>T@a</c>: rule 4 check at processing time a, the partition caught up at a; <c>L@s</c>: rule 4 check while the
/// partition lags (never caught up since), its stream time s.</item>
/// </list>
/// Every step yields one letter: the session an event went to (A, B, ... in order of first appearance),
/// <c>x</c> for a retry dropped by seq, <c>r</c> for a redelivery dropped by position, <c>.</c> for a check.
/// </summary>
internal sealed class EngineScript
{
    public static readonly DateTimeOffset Base = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly SessionSegmenter _segmenter;
    private readonly Dictionary<string, char> _letters = new(StringComparer.Ordinal);

    public EngineScript(SegmentationOptions? options = null, string deviceId = "device-1")
    {
        _segmenter = new SessionSegmenter(options ?? new SegmentationOptions());
        State = new DeviceState { DeviceId = deviceId };
    }

    public DeviceState State { get; }
    public List<SessionEvent> Events { get; } = [];
    public List<SessionSummary> Summaries { get; } = [];

    public static DateTimeOffset At(double seconds) => Base + TimeSpan.FromSeconds(seconds);

    public string LetterOf(string sessionId)
    {
        if (!_letters.TryGetValue(sessionId, out var letter))
            _letters[sessionId] = letter = (char)('A' + _letters.Count);
        return letter.ToString();
    }

    /// <summary>Runs the steps and returns one letter per step.</summary>
    public string Run(string steps)
    {
        var records = new List<IncomingEvent>();
        var letters = new System.Text.StringBuilder();
        long offset = 0;
        foreach (var token in steps.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var output = new SegmentationOutput();
            switch (token[0])
            {
                case 'T':
                    _segmenter.CloseIfInactive(State, new PartitionClock(null, At(Seconds(token[2..]))), At(Seconds(token[2..])), output);
                    letters.Append('.');
                    records.Add(default);
                    break;
                case 'L':
                    _segmenter.CloseIfInactive(State, new PartitionClock(At(Seconds(token[2..])), null), At(1_000_000), output);
                    letters.Append('.');
                    records.Add(default);
                    break;
                case '^':
                    var again = records[int.Parse(token[1..], CultureInfo.InvariantCulture) - 1];
                    letters.Append(Apply(again, output));
                    records.Add(again);
                    break;
                default:
                    var incoming = Parse(token, new SourcePosition(0, offset++));
                    letters.Append(Apply(incoming, output));
                    records.Add(incoming);
                    break;
            }

            Events.AddRange(output.Events);
            Summaries.AddRange(output.Summaries);
        }

        return letters.ToString();
    }

    /// <summary>The envelopes of a script that has only event steps, in order (to produce them elsewhere, e.g. to Kafka).</summary>
    public static IEnumerable<Envelope> Envelopes(string steps) =>
        steps.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(token => Parse(token, default).Envelope);

    /// <summary>Closed sessions as "A:Completed B:TimedOut", in closing order.</summary>
    public string Closed() => string.Join(' ', Summaries.Select(s => $"{LetterOf(s.SessionId)}:{s.Reason}"));

    public SessionSummary Summary(char letter) => Summaries.Single(s => LetterOf(s.SessionId)[0] == letter);

    private char Apply(IncomingEvent incoming, SegmentationOutput output) =>
        _segmenter.Apply(State, incoming, output) switch
        {
            ApplyOutcome.Accepted => LetterOf(output.Events[^1].Key.SessionId)[0],
            ApplyOutcome.DuplicateDropped => 'x',
            ApplyOutcome.RedeliveryDropped => 'r',
            var other => throw new InvalidOperationException(other.ToString()),
        };

    private static IncomingEvent Parse(string token, SourcePosition position)
    {
        var at = token.IndexOf('@', StringComparison.Ordinal);
        var head = token[..at];
        var rest = token[(at + 1)..];
        long? seq = null;
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            seq = long.Parse(rest[(hash + 1)..], CultureInfo.InvariantCulture);
            rest = rest[..hash];
        }

        var eventSeconds = rest;
        var arrivalSeconds = rest;
        var tilde = rest.IndexOf('~', StringComparison.Ordinal);
        if (tilde >= 0)
        {
            eventSeconds = rest[..tilde];
            arrivalSeconds = rest[(tilde + 1)..];
        }

        DeviceEvent evt = head[0] switch
        {
            'W' => DeviceWokeUp.Instance,
            'C' => AllDataReceived.Instance,
            'D' when head.Length == 1 => new DataReceived("pressure", 1.0),
            'D' => ParseData(head[2..^1]),
            _ => throw new FormatException($"Unknown step '{token}'."),
        };

        return new IncomingEvent(new Envelope(evt, At(Seconds(eventSeconds)), seq), position, At(Seconds(arrivalSeconds)));
    }

    private static DataReceived ParseData(string nameEqualsValue)
    {
        var parts = nameEqualsValue.Split('=');
        return new DataReceived(parts[0], double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static double Seconds(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}
