using System.CommandLine;
using Segmenter.Cli;

namespace Segmenter.Driver;

/// <summary>The options that demo and load share (each command has its own instances, with its own defaults).</summary>
internal sealed class SimulationOptions
{
    private readonly Option<int> _devices;

    private readonly Option<string> _devicePrefix = new("--device-prefix")
    {
        Description = "Device ids are this prefix and a number (device-0, device-1, ...).",
        HelpName = "text",
        DefaultValueFactory = _ => "device-",
    };

    private readonly Option<long> _firstSeq = new("--first-seq")
    {
        Description = "The first seq of every device (then 1 more per event). Default: the start time in microseconds since "
            + "1970, so that every run starts above the seqs of the runs before it: the silo drops an event whose seq is not "
            + "above the device's last one as a retry (until the device is purged after 5 min of silence).",
        HelpName = "n",
        DefaultValueFactory = _ => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000,
    };

    private readonly Option<int?> _seed = new("--seed")
    {
        Description = "Seed of the random choices (devices, readings, faults), to repeat a run exactly. Random when absent.",
        HelpName = "n",
    };

    private readonly Option<long?> _events = new("--events")
    {
        Description = "Stop after sending this many records (duplicates included).",
        HelpName = "n",
    };

    private readonly Option<Duration?> _duration = DurationOption.CreateOptional("--duration",
        "Stop after this long (e.g. 30s). Without --events or --duration the run goes on until Ctrl+C.");

    private readonly Option<string?> _record = new("--record")
    {
        Description = "Also write every record sent to this events file (JSON lines, the replay format), for `reader verify --input`.",
        HelpName = "file",
    };

    public SimulationOptions(int defaultDevices)
    {
        _devices = new Option<int>("--devices")
        {
            Description = "How many devices to simulate.",
            HelpName = "n",
            DefaultValueFactory = _ => defaultDevices,
        };
        _devices.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
                r.AddError("--devices must be at least 1.");
        });
        _events.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long?>() is < 1)
                r.AddError("--events must be at least 1.");
        });
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _devices, _devicePrefix, _firstSeq, _seed, _events, _duration, _record })
            command.Options.Add(option);
        command.Validators.Add(r =>
        {
            if (r.GetResult(_events) is not null && r.GetResult(_duration) is not null)
                r.AddError("Give --events or --duration, not both.");
        });
    }

    public SimulationSettings Read(ParseResult parse) =>
        new(parse.GetValue(_devices), parse.GetValue(_devicePrefix)!, parse.GetValue(_firstSeq), parse.GetValue(_seed),
            new RunLimit(parse.GetValue(_events), parse.GetValue(_duration)), parse.GetValue(_record));
}
