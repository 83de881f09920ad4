using Segmenter.Cli;
using Segmenter.Reader.Records;

namespace Segmenter.Reader.Verification;

/// <summary>
/// Everything a verification looks at: the events the user sent (the input file), and what the three topics hold,
/// each list in the order read (in order within a partition). Undecodable input records are poison the silo
/// dead-letters; undecodable output records are the silo's fault.
/// </summary>
internal sealed record VerificationInput(
    IReadOnlyList<EventLine> Lines,
    IReadOnlyList<InputEventRecord> Events,
    IReadOnlyList<SessionEventRecord> SessionEvents,
    IReadOnlyList<SessionSummaryRecord> Summaries,
    IReadOnlyList<UndecodableRecord> UndecodableEvents,
    IReadOnlyList<UndecodableRecord> UndecodableOutputs);
