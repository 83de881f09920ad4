using System.Collections.Concurrent;
using System.CommandLine;
using Confluent.Kafka;
using Segmenter.Cli;
using Segmenter.Reader.Kafka;
using Segmenter.Reader.Records;
using Segmenter.Reader.Stats;
using Segmenter.Serialization;

namespace Segmenter.Reader;

/// <summary>
/// <c>reader stats</c>: live figures, one line per interval: output records per second, sessions closed by reason,
/// end-to-end latency percentiles, and lag (the silo's consumer group on the input, the reader's own on the outputs).
/// </summary>
internal sealed class StatsCommand(ReaderCommonOptions common, CliConsole console)
{
    private readonly Option<string> _eventsTopic = ReaderCommonOptions.TopicOption("--events-topic", "events", "The input topic (for the silo's lag).");

    private readonly Option<string> _sessionEventsTopic = ReaderCommonOptions.TopicOption("--session-events-topic", "session-events", "The topic of re-keyed events.");

    private readonly Option<string> _sessionsTopic = ReaderCommonOptions.TopicOption("--sessions-topic", "sessions", "The topic of session summaries.");

    private readonly Option<string> _group = new("--group")
    {
        Description = "The silo's consumer group on the input topic (its Kafka ConsumerGroupId), for its lag.",
        HelpName = "id",
        DefaultValueFactory = _ => "segmenter",
    };

    private readonly Option<Duration> _interval = DurationOption.Create("--interval", "How often to print a line.", TimeSpan.FromSeconds(1));

    private readonly ReadOptions _read = new(withMax: false);

    public Command Create()
    {
        var command = new Command("stats",
            "Live figures, one line per --interval: session-events and sessions records per second, sessions closed by reason, "
            + "end-to-end latency percentiles of session events (when the reader sees one minus its event timestamp: meaningful "
            + "for live traffic such as driver demo/load, not for replays of old timestamps), and lag: the silo's consumer group "
            + "on the input topic (input records not yet committed) and the reader's own on the output topics.");
        foreach (var option in new Option[] { _eventsTopic, _sessionEventsTopic, _sessionsTopic, _group, _interval })
            command.Options.Add(option);
        _read.AddTo(command);
        command.SetAction(RunAsync);
        return command;
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var connection = common.Connection.Read(parse);
        var (sessionEventsTopic, sessionsTopic) = (parse.GetValue(_sessionEventsTopic)!, parse.GetValue(_sessionsTopic)!);
        TimeSpan interval = parse.GetValue(_interval);
        var settings = _read.Read(parse);
        await EndpointProbe.EnsureReachableAsync(connection, cancellationToken);

        var reader = new TopicReader(connection);
        using var lag = new LagProbe(connection, parse.GetValue(_group)!, reader.PartitionsOf(parse.GetValue(_eventsTopic)!));
        var decoder = new RecordDecoder(new ContractSerdes(connection.CreateRegistryClient()));
        var window = new StatsWindow();
        var nextToRead = new ConcurrentDictionary<TopicPartition, long>();
        foreach (var partition in reader.PartitionsOf(sessionEventsTopic).Concat(reader.PartitionsOf(sessionsTopic)))
            nextToRead[partition] = settings.FromBeginning ? 0 : lag.EndOf(partition);

        using var stopReporting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reporting = Task.Run(() => ReportAsync(window, lag, nextToRead, interval, stopReporting.Token), CancellationToken.None);
        await reader.ReadAsync([sessionEventsTopic, sessionsTopic], settings, async record =>
        {
            nextToRead[record.TopicPartition] = record.Offset.Value + 1;
            switch (await decoder.DecodeAsync(record, record.Topic == sessionsTopic ? TopicKind.Sessions : TopicKind.SessionEvents))
            {
                case SessionEventRecord e: window.AddSessionEvent(e.Envelope.Timestamp, DateTimeOffset.UtcNow); break;
                case SessionSummaryRecord s: window.AddSummary(s.Summary.Reason); break;
                default: window.AddUndecodable(); break;
            }
        }, cancellationToken);
        await stopReporting.CancelAsync();
        await reporting;
        return ExitCodes.Success;
    }

    private async Task ReportAsync(StatsWindow window, LagProbe lag, ConcurrentDictionary<TopicPartition, long> nextToRead, TimeSpan interval, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                // A slow lag query makes the timer deliver the missed ticks at once: skip those rather than print lines
                // over a few milliseconds; rates are over the time really covered.
                if (clock.Elapsed < interval / 2)
                    continue;
                var covered = clock.Elapsed;
                clock.Restart();
                var snapshot = window.Take();
                var segmenter = await Task.Run(lag.SegmenterLag, CancellationToken.None);
                var own = await Task.Run(() => lag.ReaderLag(nextToRead), CancellationToken.None);
                var lagText = $"segmenter {segmenter} reader {own}";
                await console.Out.WriteLineAsync(snapshot.Format(covered, DateTimeOffset.Now, lagText));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        // The reading ended (idle, --max or Ctrl+C): what it read since the last line must still be shown, else a slow
        // lag query on the last tick would swallow the figures of the whole run.
        var rest = window.Take();
        if (rest.SessionEvents + rest.Sessions + rest.Undecodable > 0)
        {
            var lagText = $"segmenter {lag.SegmenterLag()} reader {lag.ReaderLag(nextToRead)}";
            await console.Out.WriteLineAsync(rest.Format(clock.Elapsed, DateTimeOffset.Now, lagText));
        }
    }
}
