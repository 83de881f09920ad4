namespace Segmenter.Cli;

/// <summary>
/// The exit codes of the Driver and Reader, the same for every command so that scripts can rely on them.
/// </summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>A verification found violations, or the command failed at run time (e.g. records not delivered).</summary>
    public const int Failure = 1;

    /// <summary>Bad usage or a bad input file (the message names the option, or the file's line and the reason).</summary>
    public const int Usage = 2;

    /// <summary>Kafka or the schema registry cannot be reached, or refuses the credentials (the message names the address).</summary>
    public const int Unreachable = 3;

    /// <summary>The lines that <c>--help</c> and the README show.</summary>
    public static IReadOnlyList<(int Code, string Meaning)> Described { get; } =
    [
        (Success, "success"),
        (Failure, "verification failed, or a runtime failure (e.g. records that Kafka did not acknowledge)"),
        (Usage, "bad usage, or a bad input file (with the line number and the reason)"),
        (Unreachable, "Kafka or the schema registry cannot be reached or refuses the credentials (the message names the address)"),
    ];
}
