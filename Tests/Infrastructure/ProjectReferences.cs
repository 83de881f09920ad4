using System.Xml.Linq;

namespace Segmenter.Tests.Infrastructure;

/// <summary>
/// The repository's <c>ProjectReference</c> graph and each project's direct <c>PackageReference</c>s, read from the
/// .csproj files themselves (each project sits in the
/// folder of its name: <c>Grains/Grains.csproj</c>), so tests about the layout see what the build sees.
/// </summary>
internal static class ProjectReferences
{
    /// <summary>Whether <paramref name="project"/> is a project of the repository.</summary>
    public static bool Exists(string project) => File.Exists(ProjectFile(project));

    /// <summary>The projects <paramref name="project"/> references directly, by name.</summary>
    public static IReadOnlyList<string> Of(string project) =>
        [.. XDocument.Load(ProjectFile(project)).Descendants("ProjectReference")
            .Select(reference => reference.Attribute("Include")!.Value.Replace('\\', '/').Split('/')[^2])];

    /// <summary>The packages <paramref name="project"/> references directly (its <c>PackageReference</c> items), by id.</summary>
    public static IReadOnlyList<string> PackagesOf(string project) =>
        [.. XDocument.Load(ProjectFile(project)).Descendants("PackageReference")
            .Select(reference => reference.Attribute("Include")!.Value)];

    private static string ProjectFile(string project) => Path.Combine(RepositoryPaths.Root, project, $"{project}.csproj");
}
