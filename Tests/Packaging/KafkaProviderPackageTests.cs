using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Segmenter.Tests.Infrastructure;
using Segmenter.Tests.Interop;

namespace Segmenter.Tests.Packaging;

/// <summary>
/// Packs the reusable projects (<c>Packages.slnf</c>: Streaming.Abstractions, Streaming.Kafka, Streaming.Kafka.Security, Embedded.Kafka) into a
/// folder feed, once for the class, under a version no earlier run used.
/// </summary>
/// <remarks>
/// <c>dotnet pack --no-build</c> packs what <c>dotnet test</c> has just built for this configuration (the tests reference
/// these projects), which keeps the test quick; the version is a global property, so the nuspecs, and the dependency of
/// the provider's package on the abstractions' package, carry the unique one. Nothing is written to the repository: the
/// intermediate nuspecs go to the work folder too.
/// </remarks>
public sealed class PackedPackagesFixture : IAsyncLifetime
{
    public static readonly string[] Ids = ["Segmenter.Streaming.Abstractions", "Segmenter.Streaming.Kafka", "Segmenter.Streaming.Kafka.Security", "Segmenter.Embedded.Kafka"];

    public string Work { get; } = Directory.CreateTempSubdirectory("segmenter-packages-").FullName;

    /// <summary>Where the packages are: <c>artifacts/packages</c> under <see cref="Work"/>, where the samples' NuGet.config looks (../artifacts/packages).</summary>
    public string Feed => Path.Combine(Work, "artifacts", "packages");

    /// <summary>The repository's package version, as Directory.Build.props sets it.</summary>
    public string BaseVersion { get; } = RepositoryVersion();

    /// <summary>The version packed here: <see cref="BaseVersion"/> with a prerelease label of this run, so no cached package of that version exists.</summary>
    public string Version { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Version = $"{BaseVersion}-test.{DateTime.UtcNow:yyyyMMddHHmmss}{Random.Shared.Next(1000, 10000)}";
        var run = await Dotnet.RunAsync(
            [
                "pack", Path.Combine(RepositoryPaths.Root, "Packages.slnf"), "--no-build", "--no-restore",
                "-c", RepositoryPaths.Configuration, "-o", Feed,
                $"-p:SegmenterPackageVersion={Version}", $"-p:NuspecOutputPath={Path.Combine(Work, "nuspec")}{Path.DirectorySeparatorChar}",
            ],
            TimeSpan.FromMinutes(3), RepositoryPaths.Root);
        Assert.True(run.ExitCode == 0, $"dotnet pack failed (run 'dotnet build Segmenter.sln' first if the projects were not built):\n{run}");
    }

    public string Package(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    public Task DisposeAsync()
    {
        Directory.Delete(Work, recursive: true);
        return Task.CompletedTask;
    }

    private static string RepositoryVersion()
    {
        var props = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Directory.Build.props"));
        return Regex.Match(props, "<SegmenterPackageVersion>([^<]+)</SegmenterPackageVersion>") is { Success: true } match
            ? match.Groups[1].Value
            : throw new InvalidOperationException("Directory.Build.props sets no SegmenterPackageVersion");
    }
}

/// <summary>
/// The Kafka provider as another Orleans application gets it: the packages carry their readme and API docs and depend
/// on nothing of Segmenter but each other, and <c>samples/KafkaProviderSample</c> — package references only, its own
/// Directory.Build.props, Directory.Packages.props and NuGet.config — restores from the folder feed, builds, and runs: a
/// silo whose grain receives records produced to the embedded Kafka.
/// </summary>
public sealed class KafkaProviderPackageTests(PackedPackagesFixture packages) : IClassFixture<PackedPackagesFixture>
{
    [Fact]
    public void Each_package_carries_its_readme_and_xml_docs_and_depends_on_no_other_Segmenter_project()
    {
        foreach (var id in PackedPackagesFixture.Ids)
        {
            using var nupkg = ZipFile.OpenRead(packages.Package(id));
            var entries = nupkg.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            Assert.Contains("README.md", entries);
            Assert.Contains($"lib/net10.0/{id}.dll", entries);
            Assert.Contains($"lib/net10.0/{id}.xml", entries);

            var readme = Read(nupkg, "README.md");
            Assert.True(readme.Length > 500, $"{id}: README.md is a stub ({readme.Length} characters)");

            var nuspec = XDocument.Parse(Read(nupkg, $"{id}.nuspec")).Root!;
            var ns = nuspec.Name.Namespace;
            var metadata = nuspec.Element(ns + "metadata")!;
            string Field(string name) => (string?)metadata.Element(ns + name) ?? "";
            Assert.Equal(id, Field("id"));
            Assert.Equal(packages.Version, Field("version"));
            Assert.Equal("README.md", Field("readme"));
            Assert.False(string.IsNullOrWhiteSpace(Field("authors")), $"{id}: no authors");
            Assert.False(string.IsNullOrWhiteSpace(Field("tags")), $"{id}: no tags");
            Assert.True(Field("description").Length > 80 && Field("description") != "Package Description", $"{id}: description '{Field("description")}'");

            // Dependencies: the usual packages, and of Segmenter's only the ones packed beside it, at the same version.
            var dependencies = metadata.Descendants(ns + "dependency")
                .Select(d => (Id: (string)d.Attribute("id")!, Version: (string)d.Attribute("version")!)).ToList();
            foreach (var dependency in dependencies.Where(d => d.Id.StartsWith("Segmenter.", StringComparison.Ordinal)))
            {
                Assert.Contains(dependency.Id, PackedPackagesFixture.Ids);
                Assert.Equal(packages.Version, dependency.Version);
            }

            // The assembly itself references no Segmenter assembly but those packages' (a project reference would show here).
            using var assembly = new MemoryStream();
            using (var dll = nupkg.GetEntry($"lib/net10.0/{id}.dll")!.Open())
                dll.CopyTo(assembly);
            assembly.Position = 0;
            using var pe = new PEReader(assembly);
            var reader = pe.GetMetadataReader();
            var references = reader.AssemblyReferences.Select(r => reader.GetString(reader.GetAssemblyReference(r).Name)).ToList();
            foreach (var reference in references.Where(r => r.StartsWith("Segmenter.", StringComparison.Ordinal)))
                Assert.Contains(reference, PackedPackagesFixture.Ids);

            // Every public type has its documentation in the package's XML file (the build fails on a missing comment;
            // this checks the file shipped is that one).
            var documented = XDocument.Parse(Read(nupkg, $"lib/net10.0/{id}.xml")).Descendants("member")
                .Select(m => (string)m.Attribute("name")!).ToHashSet(StringComparer.Ordinal);
            var publicTypes = reader.TypeDefinitions.Select(reader.GetTypeDefinition)
                .Where(t => (t.Attributes & System.Reflection.TypeAttributes.VisibilityMask) == System.Reflection.TypeAttributes.Public)
                .Select(t => $"{reader.GetString(t.Namespace)}.{reader.GetString(t.Name)}")
                .Where(name => name.StartsWith("Segmenter.", StringComparison.Ordinal))
                .ToList();
            Assert.NotEmpty(publicTypes);
            Assert.All(publicTypes, type => Assert.Contains($"T:{type}", documented));
        }

        using (var provider = ZipFile.OpenRead(packages.Package("Segmenter.Streaming.Kafka")))
        {
            var readme = Read(provider, "README.md");
            foreach (var topic in new[] { "AddKafkaStreams", "ConsumerGroupId", "DeadLetterTopic", "CommitInterval", "SaslMechanism", "IKafkaRecordDecoder" })
                Assert.Contains(topic, readme);
        }

        using var embedded = ZipFile.OpenRead(packages.Package("Segmenter.Embedded.Kafka"));
        Assert.Contains("EmbeddedKafkaCluster.Start", Read(embedded, "README.md"));
    }

    [Fact]
    public async Task The_sample_builds_against_the_packages_from_the_folder_feed_and_its_grain_receives_the_records()
    {
        // The sample asks for the repository's version unless told otherwise: both must move together.
        var samplesPackages = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "samples", "Directory.Packages.props"));
        Assert.Contains($"<SegmenterPackageVersion Condition=\"'$(SegmenterPackageVersion)' == ''\">{packages.BaseVersion}</SegmenterPackageVersion>", samplesPackages);

        // A copy of samples/ (and global.json) beside the feed, as in the repository: the sample's NuGet.config finds the
        // feed at ../artifacts/packages, and nothing is written into the repository.
        var samples = Path.Combine(packages.Work, "samples");
        CopyDirectory(Path.Combine(RepositoryPaths.Root, "samples"), samples);
        File.Copy(Path.Combine(RepositoryPaths.Root, "global.json"), Path.Combine(packages.Work, "global.json"));
        var project = Path.Combine(samples, "KafkaProviderSample");

        // An empty global packages folder for this restore, so no Segmenter package cached earlier can be used; the
        // machine's folder is a read-only fallback for Orleans, Confluent.Kafka and the rest (no download needed).
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var restoreInto = Path.Combine(packages.Work, "nuget-packages");
        var build = await Dotnet.RunAsync(
            [
                "build", project, "-c", "Release", $"-p:SegmenterPackageVersion={packages.Version}",
                $"-p:RestoreFallbackFolders={globalPackages}",
            ],
            TimeSpan.FromMinutes(4), packages.Work, new Dictionary<string, string?> { ["NUGET_PACKAGES"] = restoreInto });
        Assert.True(build.ExitCode == 0, $"the sample did not build against the packages:\n{build}");

        // It got the provider as a package of the feed, at this run's version, and no project of the repository.
        var assets = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(project, "obj", "project.assets.json")))!;
        var libraries = assets["libraries"]!.AsObject();
        Assert.All(libraries, library => Assert.Equal("package", (string?)library.Value!["type"]));
        foreach (var id in PackedPackagesFixture.Ids)
        {
            Assert.True(libraries.ContainsKey($"{id}/{packages.Version}"), $"the sample did not restore {id} {packages.Version}");
            Assert.True(Directory.Exists(Path.Combine(restoreInto, id.ToLowerInvariant(), packages.Version.ToLowerInvariant())),
                $"{id} {packages.Version} was not restored from the feed into {restoreInto}");
        }

        var ports = FreePorts.Take(2);
        var run = await ExternalProgram.RunAsync("dotnet",
            [
                Path.Combine(project, "bin", "Release", "net10.0", "KafkaProviderSample.dll"),
                $"--SiloPort={ports[0]}", $"--GatewayPort={ports[1]}", "--TimeoutSeconds=60",
            ],
            TimeSpan.FromMinutes(2), project, new Dictionary<string, string?> { ["CI"] = "true" });

        Assert.True(run.ExitCode == 0, $"the sample failed:\n{run}");
        foreach (var name in new[] { "alice", "bob", "carol" })
        {
            Assert.Contains($"grain '{name}' received 'hello {name}'", run.Out);
            Assert.Contains($"grain '{name}' received 'how are you? {name}'", run.Out);
        }

        Assert.Contains("dead letter: kind NoKey", run.Out);
        Assert.Contains("OK: 6 greetings delivered to 3 grains, 1 dead letter, offsets committed", run.Out);
    }

    private static string Read(ZipArchive archive, string entry)
    {
        using var reader = new StreamReader(archive.GetEntry(entry)?.Open() ?? throw new InvalidOperationException($"no {entry} in the package"));
        return reader.ReadToEnd();
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var directory in Directory.EnumerateDirectories(from))
        {
            if (Path.GetFileName(directory) is not ("bin" or "obj"))
                CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}

/// <summary>The dotnet CLI as a child process, quiet and without build servers that would outlive it.</summary>
internal static class Dotnet
{
    public static Task<ExternalRun> RunAsync(IReadOnlyList<string> arguments, TimeSpan timeout, string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var variables = new Dictionary<string, string?>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
            // Set by 'dotnet test' for its own build; a child build must not inherit them.
            ["MSBuildExtensionsPath"] = null,
            ["MSBuildSDKsPath"] = null,
            ["MSBUILD_EXE_PATH"] = null,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            variables[name] = value;
        return ExternalProgram.RunAsync("dotnet", [.. arguments, "-nodeReuse:false", "-p:UseSharedCompilation=false"], timeout, workingDirectory, variables);
    }
}
