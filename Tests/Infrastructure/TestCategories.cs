namespace Segmenter.Tests.Infrastructure;

/// <summary>
/// The suite's one trait: <c>Category=Unit</c> marks a test class that needs no server, process, port or fixture (the
/// engine, codecs without a registry, validators, parsers). <c>./test.sh --fast</c> runs those alone in seconds; every
/// other class is an integration test (the default, so a new test never lands in the fast run by mistake).
/// </summary>
internal static class TestCategories
{
    public const string Key = "Category";
    public const string Unit = "Unit";
}
