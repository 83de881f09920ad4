using Segmenter.Cli;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Cli;

[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class DurationTextTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("10s", 10_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData(" 4S ", 4_000)]
    [InlineData("0s", 0)]
    public void Reads_a_number_and_a_unit(string text, double milliseconds)
    {
        Assert.True(DurationText.TryParse(text, out var duration, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("s")]
    [InlineData("ten s")]
    [InlineData("-5s")]
    [InlineData("5 minutes")]
    [InlineData("00:00:05")]
    [InlineData("5xs")]
    public void Refuses_anything_else_saying_what_it_expects(string text)
    {
        Assert.False(DurationText.TryParse(text, out _, out var error));
        Assert.Contains("e.g. 500ms, 10s, 2m, 1h", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4_000, "4s")]
    [InlineData(500, "500ms")]
    [InlineData(120_000, "2m")]
    [InlineData(3_600_000, "1h")]
    [InlineData(1_500, "1500ms")]
    [InlineData(0, "0ms")]
    public void Formats_in_the_shortest_exact_unit(double milliseconds, string text)
    {
        Assert.Equal(text, DurationText.Format(TimeSpan.FromMilliseconds(milliseconds)));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), DurationText.Parse(text));
    }
}
