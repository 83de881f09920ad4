using System.CommandLine;
using Segmenter.Cli;
using Segmenter.Reader.Kafka;
using Segmenter.Reader.Records;
using Segmenter.Reader.Verification;
using Segmenter.Serialization;

namespace Segmenter.Reader;

/// <summary>
/// <c>reader verify</c>: reads the input topic and both output topics from the beginning until idle, checks the
/// contract's guarantees against the events the user sent, prints a report, and exits 1 on any violation. The check to
/// run after a load test or a crash drill.
/// </summary>
internal sealed class VerifyCommand(ReaderCommonOptions common, CliConsole console)
{
    private readonly Option<string> _input = new("--input")
    {
        Description = "The events that were sent: an events file (JSON lines, as driver replay reads and driver load/demo --record write).",
        HelpName = "events.jsonl",
        Required = true,
    };

    private readonly Option<string> _eventsTopic = ReaderCommonOptions.TopicOption("--events-topic", "events", "The input topic.");

    private readonly Option<string> _sessionEventsTopic = ReaderCommonOptions.TopicOption("--session-events-topic", "session-events", "The topic of re-keyed events.");

    private readonly Option<string> _sessionsTopic = ReaderCommonOptions.TopicOption("--sessions-topic", "sessions", "The topic of session summaries.");

    private readonly Option<Duration> _timeout = DurationOption.Create("--timeout",
        "The silo's inactivity timeout (Segmentation:InactivityTimeout).", VerificationRules.Defaults.InactivityTimeout);

    private readonly Option<Duration?> _maxSessionDuration = DurationOption.CreateOptional("--max-session-duration",
        "The silo's maximum session duration (Segmentation:MaxSessionDuration), if it sets one.");

    private readonly Option<int> _maxMetricNames = new("--max-metric-names")
    {
        Description = "The silo's Segmentation:MaxMetricNamesPerSession: further metric names may be missing from a summary.",
        HelpName = "n",
        DefaultValueFactory = _ => VerificationRules.Defaults.MaxMetricNames,
    };

    private readonly Option<Duration> _purgeAfter = DurationOption.Create("--purge-after",
        "The silo's Segmentation:PurgeAfter: a retry that comes this long after the device's previous event may be accepted.",
        VerificationRules.Defaults.PurgeAfter);

    private readonly Option<bool> _strictTimeouts = new("--strict-timeouts")
    {
        Description = "Count a session closed TimedOut although its next event is within the timeout by event time as a "
            + "violation, not a warning (the check 'timed-out-in-processing-time'). Right for input stamped with the time it "
            + "was sent, as the driver does: there such a close means a timeout overtook an event already in the input "
            + "(a crash drill must show none).",
    };

    private readonly Option<int> _show = new("--show")
    {
        Description = "Print at most this many findings per check.",
        HelpName = "n",
        DefaultValueFactory = _ => 20,
    };

    private readonly ReadOptions _read = new(defaultIdle: TimeSpan.FromSeconds(5), withFromBeginning: false, withMax: false);

    public Command Create()
    {
        var command = new Command("verify",
            "Check the output against the input: reads events, session-events (with its source.partition/source.offset headers) "
            + "and sessions from the beginning until idle, then checks that every input event is in session-events exactly once "
            + "after dedupe by (device, session, source position), that retries by seq were dropped (rule 6), that every "
            + "session has exactly one summary (identical copies after a replay are deduped and counted) consistent with its "
            + "events (count, started, ended, metrics, startedWithoutWakeUp, outOfOrder, duplicatesDropped), and the session "
            + "rules: a wake-up only first, all-data only last and then Completed, sessions of a device in input order without "
            + "overlap, Superseded only by a wake-up within the timeout, TimedOut by event time (or a warning when it was "
            + "processing time). Prints a report; exits 1 on any violation. Run it after the silo had time to close the last "
            + "sessions (the inactivity timeout).");
        foreach (var option in new Option[] { _input, _eventsTopic, _sessionEventsTopic, _sessionsTopic, _timeout, _maxSessionDuration, _maxMetricNames, _purgeAfter, _strictTimeouts, _show })
            command.Options.Add(option);
        _read.AddTo(command);
        command.SetAction(RunAsync);
        return command;
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var connection = common.Connection.Read(parse);
        var path = parse.GetValue(_input)!;
        var lines = await EventFile.ReadAsync(path, cancellationToken);
        var topics = new Dictionary<string, TopicKind>(StringComparer.Ordinal)
        {
            [parse.GetValue(_eventsTopic)!] = TopicKind.Events,
            [parse.GetValue(_sessionEventsTopic)!] = TopicKind.SessionEvents,
            [parse.GetValue(_sessionsTopic)!] = TopicKind.Sessions,
        };
        if (topics.Count < 3)
            throw CommandFailedException.Usage("--events-topic, --session-events-topic and --sessions-topic must name three different topics.");
        var rules = new VerificationRules(parse.GetValue(_timeout), parse.GetValue(_maxSessionDuration), parse.GetValue(_maxMetricNames), parse.GetValue(_purgeAfter), parse.GetValue(_strictTimeouts));
        var settings = _read.Read(parse, fromBeginning: true);
        await EndpointProbe.EnsureReachableAsync(connection, cancellationToken);

        var decoder = new RecordDecoder(new ContractSerdes(connection.CreateRegistryClient()));
        var (events, sessionEvents, summaries) = (new List<InputEventRecord>(), new List<SessionEventRecord>(), new List<SessionSummaryRecord>());
        var (undecodableEvents, undecodableOutputs) = (new List<UndecodableRecord>(), new List<UndecodableRecord>());
        await console.Error.WriteLineAsync($"verify: reading {string.Join(", ", topics.Keys)} from the beginning until idle for {DurationText.Format(settings.ExitWhenIdle!.Value)}...");
        await new TopicReader(connection).ReadAsync([.. topics.Keys], settings, async record =>
        {
            var kind = topics[record.Topic];
            switch (await decoder.DecodeAsync(record, kind))
            {
                case InputEventRecord e: events.Add(e); break;
                case SessionEventRecord e: sessionEvents.Add(e); break;
                case SessionSummaryRecord s: summaries.Add(s); break;
                case UndecodableRecord u when kind == TopicKind.Events: undecodableEvents.Add(u); break;
                case UndecodableRecord u: undecodableOutputs.Add(u); break;
            }
        }, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();

        var report = ContractVerifier.Verify(new VerificationInput(lines, events, sessionEvents, summaries, undecodableEvents, undecodableOutputs), rules);
        await console.Out.WriteLineAsync($"verify: {path} against {string.Join(", ", topics.Keys)} at {connection.BootstrapServers} (timeout {DurationText.Format(rules.InactivityTimeout)})");
        await VerificationReportWriter.WriteAsync(report, console.Out, parse.GetValue(_show));
        return report.Passed ? ExitCodes.Success : ExitCodes.Failure;
    }
}
