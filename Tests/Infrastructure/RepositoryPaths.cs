namespace Segmenter.Tests.Infrastructure;

/// <summary>Where the repository and the built programs are, for tests that run them as real processes.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration the tests run under (Debug or Release), so the programs match.</summary>
    public static string Configuration { get; } = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    /// <summary>The entry assembly of a project, e.g. <c>Program("Silo", "Segmenter.Silo")</c>.</summary>
    public static string Program(string project, string assembly) =>
        Path.Combine(Root, project, "bin", Configuration, "net10.0", assembly + ".dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Segmenter.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException($"Segmenter.sln not found above {AppContext.BaseDirectory}.");
    }
}
