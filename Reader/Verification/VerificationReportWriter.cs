namespace Segmenter.Reader.Verification;

/// <summary>
/// Prints a verification report: the figures, then the warnings and violations grouped by check (each group capped, so
/// that one systematic problem does not bury the others), then one closing line saying whether it passed.
/// </summary>
internal static class VerificationReportWriter
{
    public static async Task WriteAsync(VerificationReport report, TextWriter output, int perCheck)
    {
        var width = report.Counts.Max(c => c.Label.Length);
        foreach (var (label, figures) in report.Counts)
            await output.WriteLineAsync($"  {label.PadRight(width)}  {figures}");
        await output.WriteLineAsync($"  {"warnings".PadRight(width)}  {report.Warnings.Count}");
        await output.WriteLineAsync($"  {"violations".PadRight(width)}  {report.Violations.Count}");

        await WriteFindingsAsync("warning", report.Warnings, output, perCheck);
        await WriteFindingsAsync("VIOLATION", report.Violations, output, perCheck);

        if (report.Passed)
        {
            await output.WriteLineAsync("PASSED: every input event is in session-events exactly once after dedupe, retries were dropped, "
                + "every session has exactly one consistent summary, and the session rules hold.");
        }
        else
        {
            var checks = report.Violations.GroupBy(v => v.Check).Select(g => $"{g.Key} ({g.Count()})");
            await output.WriteLineAsync($"FAILED: {report.Violations.Count} violations: {string.Join(", ", checks)}.");
        }
    }

    private static async Task WriteFindingsAsync(string label, List<Finding> findings, TextWriter output, int perCheck)
    {
        foreach (var check in findings.GroupBy(f => f.Check))
        {
            foreach (var finding in check.Take(perCheck))
                await output.WriteLineAsync($"{label} {finding}");
            if (check.Count() > perCheck)
                await output.WriteLineAsync($"{label} [{check.Key}] ... and {check.Count() - perCheck} more");
        }
    }
}
