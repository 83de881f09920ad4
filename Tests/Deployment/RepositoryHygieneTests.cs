using System.Diagnostics;
using System.Text.RegularExpressions;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Deployment;

/// <summary>
/// A fresh clone works: nothing a run creates is in the repository (a tracked Redis manifest without its files once
/// kept the silo from starting), and the image build copies every project the programs are built from.
/// </summary>
public sealed partial class RepositoryHygieneTests
{
    [Fact]
    public void No_runtime_state_is_tracked()
    {
        var tracked = Git("ls-files");
        var runtime = tracked.Where(path => RuntimeState().IsMatch(path)).ToList();
        Assert.True(runtime.Count == 0, $"runtime state is tracked: {string.Join(", ", runtime)}");
        Assert.Contains("Segmenter.sln", tracked); // the listing is the repository's, not an empty one
    }

    [Fact]
    public void The_Dockerfile_copies_every_project_the_programs_are_built_from()
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Dockerfile"));
        var copied = CopyLine().Matches(dockerfile).Select(m => m.Groups["dir"].Value.TrimEnd('/')).ToHashSet(StringComparer.Ordinal);
        foreach (var program in new[] { "Silo", "Driver", "Reader", "Embedded" })
        {
            foreach (var project in ProjectClosure(program))
                Assert.True(copied.Contains(project), $"the Dockerfile does not copy {project}/, which {program} is built from");
        }
    }

    private static HashSet<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var name))
        {
            if (!seen.Add(name))
                continue;
            foreach (var reference in ProjectReferences.Of(name))
                pending.Push(reference);
        }

        return seen;
    }

    private static string[] Git(string arguments)
    {
        Assert.True(Directory.Exists(Path.Combine(RepositoryPaths.Root, ".git")) || File.Exists(Path.Combine(RepositoryPaths.Root, ".git")),
            "the tests run from a git checkout (CI clones the repository)");
        using var git = Process.Start(new ProcessStartInfo("git", arguments)
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var lines = git.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        git.WaitForExit();
        Assert.Equal(0, git.ExitCode);
        return lines;
    }

    [GeneratedRegex(@"(^|/)(\.data|\.run|bin|obj|TestResults|appendonlydir|node_modules)/|\.(aof|rdb|log|trx)$|appendonly\.aof")]
    private static partial Regex RuntimeState();

    [GeneratedRegex(@"(?m)^COPY (?<dir>[A-Za-z.]+/) ")]
    private static partial Regex CopyLine();
}
