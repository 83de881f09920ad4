using Microsoft.Extensions.Options;
using Segmenter.Grains.Segmentation;

namespace Segmenter.Grains.Hosting;

/// <summary>Fails the start with every problem of the <c>Segmentation</c> settings, each naming its setting.</summary>
public sealed class SegmenterOptionsValidation : IValidateOptions<SegmentationOptions>, IValidateOptions<SegmenterOptions>
{
    public ValidateOptionsResult Validate(string? name, SegmentationOptions options) => Result(options.Validate());

    public ValidateOptionsResult Validate(string? name, SegmenterOptions options) => Result(options.Validate());

    private static ValidateOptionsResult Result(IReadOnlyList<string> problems) =>
        problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
}
