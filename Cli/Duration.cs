namespace Segmenter.Cli;

/// <summary>
/// A duration option's value. It exists so that help shows defaults the way they are typed (<c>[default: 5s]</c>, from
/// <see cref="ToString"/>) instead of <c>00:00:05</c>; everywhere else it converts to a <see cref="TimeSpan"/> implicitly.
/// </summary>
public readonly record struct Duration(TimeSpan Value)
{
    public static implicit operator TimeSpan(Duration duration) => duration.Value;

    public TimeSpan ToTimeSpan() => Value;

    public override string ToString() => DurationText.Format(Value);
}
