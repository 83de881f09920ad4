using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Segmenter.Cli;
using Segmenter.Contracts;

namespace Segmenter.Driver;

/// <summary>
/// <c>driver load</c>: random sessions of many devices as fast as asked, with faults on demand (lost wake-ups and
/// closing events, retried duplicates with the same seq, late timestamps), a progress line and a summary.
/// </summary>
internal sealed class LoadCommand(DriverCommonOptions common, CliConsole console)
{
    private readonly SimulationOptions _simulation = new(defaultDevices: 100);

    private readonly Option<LoadRate> _rate = new("--rate")
    {
        Description = "Events per second, or max (as fast as Kafka acknowledges).",
        HelpName = "n|max",
        DefaultValueFactory = _ => new LoadRate(1000),
        CustomParser = r =>
        {
            if (r.Tokens.Count == 0)
                return new LoadRate(1000);
            if (LoadRate.TryParse(r.Tokens[0].Value, out var rate))
                return rate;
            r.AddError($"--rate must be a positive number of events per second or max, not '{r.Tokens[0].Value}'.");
            return LoadRate.Max;
        },
    };

    private readonly Option<double> _loss = ProbabilityOption.Create("--loss",
        "Lose wake-ups and closing events: they use up their seq but are not sent (sessions start without wake-up, or time out).");

    private readonly Option<double> _duplicates = ProbabilityOption.Create("--duplicates",
        "Send an event a second time with the same seq, as a device's retry would (the silo must drop it).");

    private readonly Option<double> _late = ProbabilityOption.Create("--late",
        "Give an event an old timestamp (see --late-by): it is counted out of order in its session.");

    private readonly Option<Duration> _lateBy = DurationOption.Create("--late-by",
        "How far in the past a late event's timestamp may be (uniformly between 1 ms and this).", TimeSpan.FromSeconds(10));

    public Command Create()
    {
        var command = new Command("load",
            "Load test: random sessions of many devices at --rate, idempotent producer (acks=all, lz4, linger 10 ms), faults on "
            + "demand. A progress line each second on stderr, a summary on stdout. Note: the embedded broker keeps only the "
            + "newest 5 MiB / 100,000 batches per partition; records travel compressed in large batches so that a load test's "
            + "input survives until the silo reads it, but a long run at max rate against few partitions can still outgrow it. "
            + "Exits 1 when Kafka did not acknowledge every record.");
        _simulation.AddTo(command);
        foreach (var option in new Option[] { _rate, _loss, _duplicates, _late, _lateBy })
            command.Options.Add(option);
        command.SetAction(RunAsync);
        return command;
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var connection = common.Connection.Read(parse);
        var topic = parse.GetValue(common.Topic)!;
        var settings = _simulation.Read(parse);
        var rate = parse.GetValue(_rate)!;
        var faults = new FaultPlan(parse.GetValue(_loss), parse.GetValue(_duplicates), parse.GetValue(_late), parse.GetValue(_lateBy));
        await EndpointProbe.EnsureReachableAsync(connection, cancellationToken);

        var random = settings.NewRandom();
        var devices = settings.CreateDevices(random, maxReadings: 8);
        await using var recorder = EventRecorder.Open(settings.RecordPath);
        using var producer = new EventProducer(connection, topic);
        await console.Error.WriteLineAsync(
            $"load: {settings.Devices:N0} devices -> {topic} at {connection.BootstrapServers}, rate {rate.Describe()}, {settings.Limit}"
            + (faults.Any ? string.Create(CultureInfo.InvariantCulture, $", faults: loss {faults.Loss}, duplicates {faults.Duplicates}, late {faults.Late}") : "") + ".");

        var tally = new FaultTally();
        var pacer = new RatePacer(rate);
        var clock = Stopwatch.StartNew();
        await using (var progress = new LoadProgress(producer, console))
        {
            progress.Start();
            try
            {
                while (!settings.Limit.IsReached(producer.Sent, clock.Elapsed))
                {
                    await pacer.WaitTurnAsync(producer.Sent, cancellationToken);
                    var device = devices[random.Next(devices.Length)];
                    var envelope = device.Next(DateTimeOffset.UtcNow);
                    if (envelope.Event is DeviceWokeUp or AllDataReceived && random.NextDouble() < faults.Loss)
                    {
                        tally.Lost++;
                        continue;
                    }

                    if (random.NextDouble() < faults.Late)
                    {
                        var by = TimeSpan.FromMilliseconds(1 + (random.NextDouble() * (faults.LateBy.TotalMilliseconds - 1)));
                        envelope = envelope with { Timestamp = DateTimeOffset.FromUnixTimeMilliseconds((envelope.Timestamp - by).ToUnixTimeMilliseconds()) };
                        tally.Late++;
                    }

                    await producer.SendAsync(device.Id, envelope, cancellationToken);
                    await recorder.RecordAsync(device.Id, envelope);
                    if (random.NextDouble() < faults.Duplicates && !settings.Limit.IsReached(producer.Sent, clock.Elapsed))
                    {
                        await producer.SendAsync(device.Id, envelope, cancellationToken);
                        await recorder.RecordAsync(device.Id, envelope);
                        tally.Duplicates++;
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C ends an open-ended run: deliver what was sent, then report.
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }

        var elapsed = clock.Elapsed;
        await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"load: {producer.Tally()} in {elapsed.TotalSeconds:0.0} s = {producer.Delivered / Math.Max(elapsed.TotalSeconds, 0.001):N0} events/s; "
            + $"{settings.Devices:N0} devices; faults: lost {tally.Lost:N0}, duplicates {tally.Duplicates:N0}, late {tally.Late:N0}."));
        return producer.AllDelivered ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>How many faults a run injected, for the summary.</summary>
    private sealed class FaultTally
    {
        public long Lost { get; set; }
        public long Duplicates { get; set; }
        public long Late { get; set; }
    }
}
