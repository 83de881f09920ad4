using System.CommandLine;
using System.CommandLine.Parsing;

namespace Segmenter.Cli;

/// <summary>Command-line options whose value is a positive duration written as <see cref="DurationText"/> reads it.</summary>
public static class DurationOption
{
    public static Option<Duration> Create(string name, string description, TimeSpan defaultValue) =>
        new(name)
        {
            Description = description,
            HelpName = "duration",
            DefaultValueFactory = _ => new Duration(defaultValue),
            CustomParser = result => Parse(result) ?? new Duration(defaultValue),
        };

    /// <summary>An option that may be absent (null), or that has a default the user can only replace by another duration.</summary>
    public static Option<Duration?> CreateOptional(string name, string description, TimeSpan? defaultValue = null)
    {
        var option = new Option<Duration?>(name)
        {
            Description = description,
            HelpName = "duration",
            CustomParser = Parse,
        };
        if (defaultValue is { } value)
            option.DefaultValueFactory = _ => new Duration(value);
        return option;
    }

    private static Duration? Parse(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
            return null;
        var text = result.Tokens[0].Value;
        if (!DurationText.TryParse(text, out var duration, out var error))
        {
            result.AddError($"{OptionName(result)}: {error}");
            return null;
        }

        if (duration <= TimeSpan.Zero)
        {
            result.AddError($"{OptionName(result)}: the duration must be positive (got '{text}').");
            return null;
        }

        return new Duration(duration);
    }

    private static string OptionName(ArgumentResult result) =>
        result.Parent is OptionResult option ? option.Option.Name : "duration";
}
