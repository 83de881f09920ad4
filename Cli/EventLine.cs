using Segmenter.Contracts;

namespace Segmenter.Cli;

/// <summary>
/// One event of an events file (JSON lines): the device and its envelope, with the line it came from so that
/// problems and reports can point at it.
/// </summary>
public sealed record EventLine(int LineNumber, string DeviceId, Envelope Envelope)
{
    public override string ToString() => $"line {LineNumber}: [{DeviceId}] {Envelope}";
}
