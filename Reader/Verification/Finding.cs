namespace Segmenter.Reader.Verification;

/// <summary>
/// One thing a verification found: a violation of the contract, or a warning (something that looks odd but that the
/// contract allows, such as a timeout decided by processing time). <see cref="Check"/> is a stable short name for scripts.
/// </summary>
internal sealed record Finding(string Check, string? Device, string? SessionId, string Message)
{
    public override string ToString() =>
        Device is null ? $"[{Check}] {Message}"
        : SessionId is null ? $"[{Check}] {Device}: {Message}"
        : $"[{Check}] {Device}:{SessionId}: {Message}";
}
