using Segmenter.Cli;
using Segmenter.Contracts;
using Segmenter.Reader.Records;

namespace Segmenter.Reader.Verification;

/// <summary>
/// An input record as the verification sees it: the record in <c>events</c>, the input line it matches (null for a
/// record of the same devices that the file does not list) and what rule 6 says must become of it.
/// </summary>
internal sealed record ExpectedEvent(InputEventRecord Record, EventLine? Line, RecordFate Fate)
{
    public SourcePosition Source => Record.Source;

    public string DeviceId => Record.DeviceId;

    public Envelope Envelope => Record.Envelope;

    public string Describe() =>
        (Line is { } line ? $"line {line.LineNumber} " : "") + $"{Envelope.Event} @{TimestampText.Format(Envelope.Timestamp)}"
        + (Envelope.Seq is { } seq ? $" seq={seq}" : "") + $" ({Record.Position})";
}
