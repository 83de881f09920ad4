using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Segmenter.Serialization;

namespace Segmenter.Cli;

/// <summary>
/// Runs a CLI's root command with the conventions both CLIs promise: parse errors exit 2 (System.CommandLine's own
/// default would be 1, which scripts read as "verification failed"), <see cref="CommandFailedException"/> exits with
/// its code and message, an unreachable registry exits 3, and <c>--help</c> ends with the exit codes.
/// </summary>
public static class CommandLineApp
{
    /// <param name="redact">Masks secrets (passwords, registry credentials) in the error messages this prints.</param>
    public static async Task<int> RunAsync(RootCommand root, IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken,
        Func<string, string>? redact = null)
    {
        redact ??= text => text;
        ShowExitCodesInHelp(root);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is ParseErrorAction or null)
        {
            foreach (var error in parse.Errors)
                await console.Error.WriteLineAsync(error.Message);
            await console.Error.WriteLineAsync($"See '{CommandPath(parse)} --help'.");
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null, // signals come in through cancellationToken (see ShutdownSignal)
        };
        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (CommandFailedException e)
        {
            await console.Error.WriteLineAsync(redact(e.Message));
            return e.ExitCode;
        }
        catch (SchemaRegistryUnavailableException e) when (SchemaRegistrySettings.IsRefusedCredentials(e))
        {
            await console.Error.WriteLineAsync(redact($"The schema registry refused the credentials ({SchemaRegistryOutage.Cause(e).Message}): give --schema-registry-user-info user:password, or SchemaRegistry__BasicAuthUserInfo."));
            return ExitCodes.Unreachable;
        }
        catch (SchemaRegistryUnavailableException e)
        {
            // The codecs' outage (Segmenter.Serialization's registry cache), with the client's exception inside.
            await console.Error.WriteLineAsync(redact($"Cannot reach the schema registry: {SchemaRegistryOutage.Cause(e).Message}"));
            return ExitCodes.Unreachable;
        }
        catch (SchemaRegistryException e) when (e.Status is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden)
        {
            await console.Error.WriteLineAsync(redact($"The schema registry refused the credentials ({e.Message}): give --schema-registry-user-info user:password, or SchemaRegistry__BasicAuthUserInfo."));
            return ExitCodes.Unreachable;
        }
        catch (SchemaRegistryException e) when ((int)e.Status >= 500) // it derives from HttpRequestException
        {
            await console.Error.WriteLineAsync(redact($"The schema registry failed: {e.Message}"));
            return ExitCodes.Unreachable;
        }
        catch (SchemaRegistryException e)
        {
            await console.Error.WriteLineAsync(redact($"The schema registry refused a request: {e.Message}"));
            return ExitCodes.Failure;
        }
        catch (HttpRequestException e)
        {
            await console.Error.WriteLineAsync(redact($"Cannot reach the schema registry: {e.Message}"));
            return ExitCodes.Unreachable;
        }
        catch (OperationCanceledException)
        {
            await console.Error.WriteLineAsync("Interrupted.");
            return ExitCodes.Failure;
        }
        catch (KafkaException e)
        {
            await console.Error.WriteLineAsync(redact($"Kafka: {e.Error.Code}: {e.Error.Reason}"));
            return ExitCodes.Failure;
        }
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            names.Add(result.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }

    private static void ShowExitCodesInHelp(RootCommand root)
    {
        foreach (var option in root.Options)
        {
            if (option is HelpOption { Action: HelpAction help } helpOption)
                helpOption.Action = new HelpWithExitCodes(help);
        }
    }

    /// <summary>The standard help, then the exit codes, for every command of the CLI.</summary>
    private sealed class HelpWithExitCodes(HelpAction standard) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            standard.Invoke(parseResult);
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Exit codes:");
            foreach (var (code, meaning) in ExitCodes.Described)
                output.WriteLine($"  {code}  {meaning}");
            output.WriteLine();
            return ExitCodes.Success;
        }
    }
}
