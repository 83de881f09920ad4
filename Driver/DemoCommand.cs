using System.CommandLine;
using Segmenter.Cli;

namespace Segmenter.Driver;

/// <summary>
/// <c>driver demo</c> (also what <c>driver</c> alone runs): a few devices living through random sessions at a readable
/// pace, each event logged as <c>[device-3] DataReceived(pressure,0.275)</c>, as the original demo's driver did.
/// </summary>
internal sealed class DemoCommand(DriverCommonOptions common, CliConsole console)
{
    public const string Summary =
        "Demo mode (the default): random sessions of a few devices (wake-up, readings of pressure, temperature, wind and "
        + "humidity, mostly all-data) at a readable pace, each event logged as [device-3] DataReceived(pressure,0.275).";

    private readonly SimulationOptions _simulation = new(defaultDevices: 10);

    private readonly Option<Duration> _interval = DurationOption.Create("--interval", "Pause between two events.", TimeSpan.FromMilliseconds(300));

    public Command Create()
    {
        var command = new Command("demo", Summary);
        Configure(command);
        return command;
    }

    /// <summary>Puts the demo's options and action on <paramref name="command"/> (the root command too: demo is the default).</summary>
    public void Configure(Command command)
    {
        _simulation.AddTo(command);
        command.Options.Add(_interval);
        command.SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var connection = common.Connection.Read(parse);
        var topic = parse.GetValue(common.Topic)!;
        var settings = _simulation.Read(parse);
        TimeSpan interval = parse.GetValue(_interval);
        await EndpointProbe.EnsureReachableAsync(connection, cancellationToken);

        var random = settings.NewRandom();
        var devices = settings.CreateDevices(random, maxReadings: 5);
        await using var recorder = EventRecorder.Open(settings.RecordPath);
        using var producer = new EventProducer(connection, topic);
        await console.Error.WriteLineAsync(
            $"demo: {settings.Devices} devices -> {topic} at {connection.BootstrapServers}, an event every {DurationText.Format(interval)}, {settings.Limit}.");

        var started = DateTimeOffset.UtcNow;
        try
        {
            while (!settings.Limit.IsReached(producer.Sent, DateTimeOffset.UtcNow - started))
            {
                var device = devices[random.Next(devices.Length)];
                var envelope = device.Next(DateTimeOffset.UtcNow);
                await producer.SendAsync(device.Id, envelope, cancellationToken);
                await recorder.RecordAsync(device.Id, envelope);
                await console.Out.WriteLineAsync($"[{device.Id}] {envelope.Event}");
                await Task.Delay(interval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C is how a demo normally ends: deliver what was sent, then report.
        }

        producer.Flush(TimeSpan.FromSeconds(10));
        await console.Error.WriteLineAsync($"demo: {producer.Tally()}.");
        return producer.AllDelivered ? ExitCodes.Success : ExitCodes.Failure;
    }
}
