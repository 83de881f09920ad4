namespace Segmenter.Reader.Verification;

/// <summary>What a verification counted and found. It passes when there is no violation; warnings do not fail it.</summary>
internal sealed class VerificationReport
{
    /// <summary>Labelled figures, in the order they are printed.</summary>
    public List<(string Label, string Figures)> Counts { get; } = [];

    public List<Finding> Violations { get; } = [];

    public List<Finding> Warnings { get; } = [];

    public bool Passed => Violations.Count == 0;

    public void Violation(string check, string? device, string? sessionId, string message) =>
        Violations.Add(new Finding(check, device, sessionId, message));

    public void Warning(string check, string? device, string? sessionId, string message) =>
        Warnings.Add(new Finding(check, device, sessionId, message));
}
