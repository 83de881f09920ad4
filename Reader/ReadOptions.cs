using System.CommandLine;
using Segmenter.Cli;
using Segmenter.Reader.Kafka;

namespace Segmenter.Reader;

/// <summary>
/// Where a read starts and when it stops: <c>--from-beginning</c>, <c>--exit-when-idle</c>, <c>--max</c>. A command
/// that always reads from the beginning (verify), or for which a count makes no sense (stats), leaves those out.
/// </summary>
internal sealed class ReadOptions
{
    private readonly Option<bool>? _fromBeginning;
    private readonly Option<Duration?> _exitWhenIdle;
    private readonly Option<long?>? _max;

    public ReadOptions(TimeSpan? defaultIdle = null, bool withFromBeginning = true, bool withMax = true)
    {
        var idle = "Exit 0 after this long without a new record (e.g. 10s, 500ms), counted once the records present at the "
            + "start are read. For scripts and tests.";
        _exitWhenIdle = DurationOption.CreateOptional("--exit-when-idle",
            defaultIdle is null ? idle + " Without it (and without --max) the reader follows until Ctrl+C." : idle, defaultIdle);
        if (withFromBeginning)
        {
            _fromBeginning = new Option<bool>("--from-beginning")
            {
                Description = "Read from the first record of each partition instead of only new records.",
            };
        }

        if (withMax)
        {
            _max = new Option<long?>("--max") { Description = "Exit 0 after this many records.", HelpName = "n" };
            _max.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<long?>() is < 1)
                    r.AddError("--max must be at least 1.");
            });
        }
    }

    public void AddTo(Command command)
    {
        if (_fromBeginning is not null)
            command.Options.Add(_fromBeginning);
        command.Options.Add(_exitWhenIdle);
        if (_max is not null)
            command.Options.Add(_max);
    }

    /// <summary>The settings; <paramref name="fromBeginning"/> forces a read from the beginning.</summary>
    public ReadSettings Read(ParseResult parse, bool fromBeginning = false) =>
        new(fromBeginning || (_fromBeginning is not null && parse.GetValue(_fromBeginning)),
            parse.GetValue(_exitWhenIdle),
            _max is null ? null : parse.GetValue(_max));
}
