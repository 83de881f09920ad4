using System.CommandLine;
using Segmenter.Cli;
using Segmenter.Reader.Kafka;
using Segmenter.Reader.Output;
using Segmenter.Reader.Records;
using Segmenter.Serialization;

namespace Segmenter.Reader;

/// <summary>
/// What <c>reader</c> alone does: follows a topic (<c>session-events</c> by default) and prints every record, as a
/// readable line or as JSON lines.
/// </summary>
internal sealed class FollowCommand(ReaderCommonOptions common, CliConsole console)
{
    private readonly Option<string> _topic = ReaderCommonOptions.TopicOption("--topic", "session-events",
        "The topic to print: session-events (every event, keyed by session), sessions (one summary per session) or events (the input).");

    private readonly Option<string?> _kind = new("--kind")
    {
        Description = $"What the topic holds ({TopicKinds.Names}), when its name does not end with one of these.",
        HelpName = "kind",
    };

    private readonly Option<OutputFormat> _format = new("--format")
    {
        Description = "text: one readable line per record (time topic-partition@offset [device:session] event). jsonl: one JSON "
            + "object per record, camelCase, times in epoch ms: topic, partition, offset, device, sessionId, and for session-events "
            + "event, name, value, timestamp, seq, sourcePartition, sourceOffset; for sessions reason, eventCount, "
            + "startedWithoutWakeUp, duplicatesDropped, outOfOrder, started, ended, metrics (name -> count, min, max, mean, last). "
            + "A record that cannot be decoded is printed with error (the kind the silo dead-letters it with) and message, and reading goes on.",
        HelpName = "text|jsonl",
        DefaultValueFactory = _ => OutputFormat.Text,
    };

    private readonly ReadOptions _read = new();

    public void Configure(Command command)
    {
        foreach (var option in new Option[] { _topic, _kind, _format })
            command.Options.Add(option);
        _kind.AcceptOnlyFromAmong("events", "session-events", "sessions");
        _read.AddTo(command);
        command.SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var connection = common.Connection.Read(parse);
        var topic = parse.GetValue(_topic)!;
        var kind = KindOf(topic, parse.GetValue(_kind));
        IRecordFormatter formatter = parse.GetValue(_format) == OutputFormat.Jsonl ? new JsonRecordFormatter() : new TextRecordFormatter();
        var settings = _read.Read(parse);
        await EndpointProbe.EnsureReachableAsync(connection, cancellationToken);

        var decoder = new RecordDecoder(new ContractSerdes(connection.CreateRegistryClient()));
        await new TopicReader(connection).ReadAsync([topic], settings, async record =>
        {
            await console.Out.WriteLineAsync(formatter.Format(await decoder.DecodeAsync(record, kind)));
        }, cancellationToken);
        await console.Out.FlushAsync(CancellationToken.None);
        return ExitCodes.Success;
    }

    private static TopicKind KindOf(string topic, string? kind)
    {
        if (kind is not null && TopicKinds.TryParse(kind, out var given))
            return given;
        return TopicKinds.FromName(topic)
            ?? throw CommandFailedException.Usage($"Cannot tell what topic {topic} holds from its name: give --kind ({TopicKinds.Names}).");
    }
}
