using System.CommandLine;
using Segmenter.Cli;

namespace Segmenter.Driver;

/// <summary>
/// <c>driver replay</c>: produces exactly the events of an events file, in file order (so in order per device), with
/// their own timestamps and seqs; optionally one record of arbitrary bytes for poison-record checks. The whole file is
/// read and checked first: a bad line stops with its number and the reason (exit 2) before anything is sent.
/// </summary>
internal sealed class ReplayCommand(DriverCommonOptions common, CliConsole console)
{
    private readonly Option<string?> _file = new("--file")
    {
        Description = "Events file, JSON lines, one object per line: " + EventLineParser.Format
            + ". name/value only for DataReceived; seq optional; timestamp ISO-8601 or epoch milliseconds.",
        HelpName = "events.jsonl",
    };

    private readonly Option<string?> _rawBytes = new("--raw-bytes")
    {
        Description = "Also send the bytes of this file, unchanged, as one record value (after the events), keyed by --raw-device: a poison record for dead-letter checks.",
        HelpName = "file",
    };

    private readonly Option<string> _rawDevice = new("--raw-device")
    {
        Description = "The device whose (Avro) key the --raw-bytes record carries.",
        HelpName = "id",
        DefaultValueFactory = _ => "raw",
    };

    public Command Create()
    {
        var command = new Command("replay",
            "Replay an events file: produce exactly its events, in file order, with their own timestamps and seqs. The file is "
            + "checked whole first; a bad line stops the command (exit 2) with its line number and the reason, before anything is sent. "
            + "Exits 1 when Kafka did not acknowledge every record.");
        foreach (var option in new Option[] { _file, _rawBytes, _rawDevice })
            command.Options.Add(option);
        command.Validators.Add(r =>
        {
            if (r.GetResult(_file) is null && r.GetResult(_rawBytes) is null)
                r.AddError("Give --file (and/or --raw-bytes).");
        });
        command.SetAction(RunAsync);
        return command;
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var connection = common.Connection.Read(parse);
        var topic = parse.GetValue(common.Topic)!;
        var path = parse.GetValue(_file);
        var rawPath = parse.GetValue(_rawBytes);
        var events = path is null ? [] : await EventFile.ReadAsync(path, cancellationToken);
        byte[]? raw = null;
        if (rawPath is not null)
        {
            if (!File.Exists(rawPath))
                throw CommandFailedException.Usage($"--raw-bytes {rawPath}: no such file.");
            raw = await File.ReadAllBytesAsync(rawPath, cancellationToken);
        }

        await EndpointProbe.EnsureReachableAsync(connection, cancellationToken);
        using var producer = new EventProducer(connection, topic);
        foreach (var line in events)
            await producer.SendAsync(line.DeviceId, line.Envelope, cancellationToken);
        if (raw is not null)
            await producer.SendRawAsync(parse.GetValue(_rawDevice)!, raw, cancellationToken);
        producer.Flush(TimeSpan.FromSeconds(30));

        var what = path is null ? "" : $"{events.Count} events from {path}";
        if (raw is not null)
            what += (what.Length > 0 ? " and " : "") + $"{raw.Length} raw bytes from {rawPath}";
        await console.Out.WriteLineAsync($"replay: {what} -> {topic}: {producer.Tally()}.");
        return producer.AllDelivered ? ExitCodes.Success : ExitCodes.Failure;
    }
}
