using System.CommandLine;
using Segmenter.Cli;
using Segmenter.Driver;
using Segmenter.Reader;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Cli;

/// <summary>What needs no broker: help for every command, and the exit codes of bad usage, bad files and bad addresses.</summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class CliHelpAndUsageTests
{
    public static TheoryData<string, string> Commands() => new()
    {
        { "Driver", "" }, { "Driver", "demo" }, { "Driver", "load" }, { "Driver", "replay" },
        { "Reader", "" }, { "Reader", "verify" }, { "Reader", "stats" },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_of_every_command_explains_every_option_and_the_exit_codes(string cli, string command)
    {
        string[] args = command.Length == 0 ? ["--help"] : [command, "--help"];
        var result = cli == "Driver" ? await CliRunner.DriverAsync(args) : await CliRunner.ReaderAsync(args);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var root = cli == "Driver" ? DriverCli.CreateRootCommand(CliConsole.System) : ReaderCli.CreateRootCommand(CliConsole.System);
        var target = command.Length == 0 ? root : root.Subcommands.Single(c => c.Name == command);
        Assert.False(string.IsNullOrWhiteSpace(target.Description));
        foreach (var option in target.Options.Concat(root.Options.Where(o => o.Recursive)))
        {
            Assert.Contains(option.Name, result.Out, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{cli} {command} {option.Name} has no description");
        }

        Assert.Contains("Exit codes:", result.Out, StringComparison.Ordinal);
        foreach (var (code, meaning) in ExitCodes.Described)
            Assert.Contains($"  {code}  {meaning}", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("[default: 00:", result.Out, StringComparison.Ordinal); // durations show as typed (5s)
    }

    [Theory]
    [InlineData("Driver", "load --rate fast", "--rate must be a positive number of events per second or max, not 'fast'.")]
    [InlineData("Driver", "load --loss 2", "--loss must be a probability between 0 and 1.")]
    [InlineData("Driver", "load --events 10 --duration 5s", "Give --events or --duration, not both.")]
    [InlineData("Driver", "demo --interval soon", "--interval: 'soon' is not a duration")]
    [InlineData("Driver", "replay", "Give --file (and/or --raw-bytes).")]
    [InlineData("Driver", "--no-such-option", "Unrecognized command or argument '--no-such-option'.")]
    [InlineData("Reader", "--exit-when-idle 0s", "--exit-when-idle: the duration must be positive")]
    [InlineData("Reader", "--format xml", "xml")]
    [InlineData("Reader", "verify", "Option '--input' is required.")]
    [InlineData("Reader", "--topic raw-input", "Cannot tell what topic raw-input holds from its name: give --kind")]
    public async Task Bad_usage_exits_2_and_says_why(string cli, string args, string reason)
    {
        var argv = args.Split(' ');
        var result = cli == "Driver" ? await CliRunner.DriverAsync(argv) : await CliRunner.ReaderAsync(argv);
        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_replay_file_is_refused_with_its_line_number_before_anything_is_sent()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(file,
            [
                """{"device": "d1", "event": "DeviceWokeUp", "timestamp": "2026-01-01T00:00:00.000Z", "seq": 1}""",
                """{"device": "d1", "event": "DataReceived", "name": "pressure", "timestamp": "2026-01-01T00:00:01.000Z", "seq": 2}""",
            ]);
            // The broker address is unreachable on purpose: the file is refused first, so it is never contacted.
            var result = await CliRunner.DriverAsync("replay", "--file", file, "--bootstrap", "127.0.0.1:1");
            Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
            Assert.Equal($"{file}:2: \"value\" is missing (DataReceived needs a name and a value).", result.Error.Trim());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task An_unreachable_broker_exits_3_naming_the_address()
    {
        var result = await CliRunner.DriverAsync("demo", "--events", "1", "--bootstrap", "127.0.0.1:1", "--connect-timeout", "1s");
        Assert.True(result.ExitCode == ExitCodes.Unreachable, result.ToString());
        Assert.StartsWith("Cannot reach Kafka at 127.0.0.1:1 within 1s", result.Error, StringComparison.Ordinal);
    }
}
