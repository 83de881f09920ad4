namespace Segmenter.Cli;

/// <summary>
/// Ends a command with an exit code and a message for standard error. Commands throw it where they find the problem;
/// <see cref="CommandLineApp"/> prints the message and returns the code, so no command deals with exiting.
/// </summary>
public sealed class CommandFailedException : Exception
{
    public CommandFailedException(int exitCode, string message, Exception? innerException = null)
        : base(message, innerException) => ExitCode = exitCode;

    public CommandFailedException()
        : this(ExitCodes.Failure, "The command failed.")
    {
    }

    public CommandFailedException(string message)
        : this(ExitCodes.Failure, message)
    {
    }

    public CommandFailedException(string message, Exception innerException)
        : this(ExitCodes.Failure, message, innerException)
    {
    }

    public int ExitCode { get; }

    /// <summary>Bad usage or bad input (exit code 2).</summary>
    public static CommandFailedException Usage(string message) => new(ExitCodes.Usage, message);

    /// <summary>Kafka or the registry cannot be reached (exit code 3).</summary>
    public static CommandFailedException Unreachable(string message, Exception? cause = null) => new(ExitCodes.Unreachable, message, cause);
}
