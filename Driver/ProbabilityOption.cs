using System.CommandLine;

namespace Segmenter.Driver;

/// <summary>An option whose value is a probability between 0 and 1 (default 0: the fault is off).</summary>
internal static class ProbabilityOption
{
    public static Option<double> Create(string name, string description)
    {
        var option = new Option<double>(name)
        {
            Description = $"{description} A probability per event, 0..1 (0: off).",
            HelpName = "p",
            DefaultValueFactory = _ => 0,
        };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is < 0 or > 1 or double.NaN)
                r.AddError($"{name} must be a probability between 0 and 1.");
        });
        return option;
    }
}
