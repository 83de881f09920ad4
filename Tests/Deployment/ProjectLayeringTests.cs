using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Deployment;

/// <summary>
/// The layering the README's layout describes, checked on the .csproj files: the engine knows only the contracts (and
/// no store's client), the store knows no host and no transport, the codec core and the transports know no grain and
/// no host, the CLIs run without the silo's parts. A reference that breaks a rule fails here with its path
/// (<c>Cli -> Serialization -> Grains</c>), not in a review.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class ProjectLayeringTests
{
    /// <summary>Projects and the only projects they may reference directly.</summary>
    private static readonly IReadOnlyDictionary<string, string[]> OnlyReferences = new Dictionary<string, string[]>
    {
        ["Grains"] = ["Grains.Interfaces"],
    };

    /// <summary>Projects and the projects they must not reach, directly or through others.</summary>
    private static readonly IReadOnlyDictionary<string, string[]> NeverReaches = new Dictionary<string, string[]>
    {
        ["Serialization"] = ["Grains", "Streaming.Kafka", "Streaming.EventHubs", "Hosting"],
        ["Streaming.EventHubs"] = ["Grains", "Streaming.Kafka", "Hosting"],
        ["Streaming.Kafka"] = ["Grains", "Serialization", "Hosting"],
        ["Cli"] = ["Grains", "Hosting", "Streaming.Kafka"],
        ["Driver"] = ["Grains", "Hosting", "Streaming.Kafka"],
        ["Reader"] = ["Grains", "Hosting", "Streaming.Kafka"],
        ["Persistence.Redis"] = ["Hosting", "Silo", "Streaming.Kafka", "Streaming.EventHubs"],
    };

    /// <summary>Projects and the packages they must not reference directly (the store belongs in Persistence.Redis).</summary>
    private static readonly IReadOnlyDictionary<string, string[]> NeverPackages = new Dictionary<string, string[]>
    {
        ["Grains"] = ["StackExchange.Redis"],
    };

    [Fact]
    public void Every_project_the_rules_name_exists()
    {
        var named = OnlyReferences.Keys.Concat(OnlyReferences.Values.SelectMany(v => v))
            .Concat(NeverReaches.Keys).Concat(NeverReaches.Values.SelectMany(v => v))
            .Concat(NeverPackages.Keys)
            .Distinct(StringComparer.Ordinal);
        var missing = named.Where(project => !ProjectReferences.Exists(project)).ToList();
        Assert.True(missing.Count == 0, $"the layering rules name projects the repository does not have (renamed?): {string.Join(", ", missing)}");
    }

    [Fact]
    public void Project_references_keep_the_layers()
    {
        var violations = Violations(ProjectReferences.Of);
        Assert.True(violations.Count == 0, $"project references break the layering:{Environment.NewLine}{string.Join(Environment.NewLine, violations)}");
    }

    [Fact]
    public void Package_references_keep_the_layers()
    {
        var violations = PackageViolations(ProjectReferences.PackagesOf);
        Assert.True(violations.Count == 0, $"package references break the layering:{Environment.NewLine}{string.Join(Environment.NewLine, violations)}");
    }

    [Fact]
    public void A_package_violation_names_the_project_and_the_package()
    {
        var packages = new Dictionary<string, string[]> { ["Grains"] = ["Microsoft.Orleans.Sdk", "StackExchange.Redis"] };

        var violations = PackageViolations(project => packages.GetValueOrDefault(project, []));

        Assert.Equal(["Grains -> package StackExchange.Redis (Grains must not reference it)"], violations);
    }

    [Fact]
    public void A_violation_names_every_offending_edge()
    {
        var graph = new Dictionary<string, string[]>
        {
            ["Grains"] = ["Grains.Interfaces", "Streaming.Kafka"],
            ["Cli"] = ["Serialization"],
            ["Serialization"] = ["Hosting"],
            ["Hosting"] = ["Grains"],
            ["Persistence.Redis"] = ["Grains", "Hosting"],
        };

        var violations = Violations(project => graph.GetValueOrDefault(project, []));

        Assert.Contains("Grains -> Streaming.Kafka (Grains may reference only Grains.Interfaces)", violations);
        Assert.Contains("Serialization -> Hosting (Serialization must not reach Hosting)", violations);
        Assert.Contains("Cli -> Serialization -> Hosting (Cli must not reach Hosting)", violations);
        Assert.Contains("Cli -> Serialization -> Hosting -> Grains (Cli must not reach Grains)", violations);
        Assert.Contains("Cli -> Serialization -> Hosting -> Grains -> Streaming.Kafka (Cli must not reach Streaming.Kafka)", violations);
        Assert.Contains("Persistence.Redis -> Hosting (Persistence.Redis must not reach Hosting)", violations);
    }

    private static List<string> Violations(Func<string, IReadOnlyList<string>> references)
    {
        var violations = new List<string>();
        foreach (var (project, allowed) in OnlyReferences)
        {
            violations.AddRange(references(project).Where(r => !allowed.Contains(r, StringComparer.Ordinal))
                .Select(r => $"{project} -> {r} ({project} may reference only {string.Join(", ", allowed)})"));
        }

        foreach (var (project, forbidden) in NeverReaches)
        {
            foreach (var (reached, path) in Reachable(project, references))
            {
                if (forbidden.Contains(reached, StringComparer.Ordinal))
                    violations.Add($"{string.Join(" -> ", path)} ({project} must not reach {reached})");
            }
        }

        return violations;
    }

    private static List<string> PackageViolations(Func<string, IReadOnlyList<string>> packages) =>
        [.. from pair in NeverPackages
            from package in packages(pair.Key)
            where pair.Value.Contains(package, StringComparer.OrdinalIgnoreCase)
            select $"{pair.Key} -> package {package} ({pair.Key} must not reference it)"];

    /// <summary>Every project reachable from <paramref name="start"/>, each with the shortest path to it.</summary>
    private static IEnumerable<(string Project, IReadOnlyList<string> Path)> Reachable(string start, Func<string, IReadOnlyList<string>> references)
    {
        var paths = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { [start] = [start] };
        var pending = new Queue<string>([start]);
        while (pending.TryDequeue(out var project))
        {
            foreach (var next in references(project).Where(next => !paths.ContainsKey(next)))
            {
                paths[next] = [.. paths[project], next];
                pending.Enqueue(next);
                yield return (next, paths[next]);
            }
        }
    }
}
