using System.Reflection;
using Microsoft.Extensions.Logging;
using Segmenter.Tests.Infrastructure;

namespace Segmenter.Tests.Suite;

/// <summary>
/// Every product log line has an event id of its own (issue 15): written through a source-generated
/// <c>[LoggerMessage]</c> method with an explicit id, unique across the product and inside its assembly's documented
/// range, and never through the <see cref="LoggerExtensions"/> methods (<c>LogInformation</c>, ...), whose lines
/// carry id 0 and parse their template on every call.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class LogEventIdTests
{
    [Fact]
    public void Every_log_method_has_an_explicit_id_unique_across_the_product_and_inside_its_assemblys_range()
    {
        var methods = LogMethods().ToList();
        Assert.True(methods.Count >= 60, $"only {methods.Count} [LoggerMessage] methods found: are the product assemblies beside the tests?");
        foreach (var assembly in new[] { "Segmenter.Streaming.Kafka", "Segmenter.Streaming.EventHubs", "Segmenter.Grains", "Segmenter.Persistence.Redis", "Segmenter.Silo", "Segmenter.Embedded" })
            Assert.Contains(methods, m => m.Assembly == assembly);

        var problems = new List<string>();
        foreach (var (assembly, name, id, isExplicit) in methods)
        {
            if (!isExplicit || id <= 0)
                problems.Add($"{name}: no explicit EventId > 0 (it has {id})");
            else if (LogEventIdRanges.Of(assembly) is not { } range)
                problems.Add($"{name}: {assembly} has no documented event id range (add it to the README's \"Log event ids\" and to {nameof(LogEventIdRanges)})");
            else if (id < range.First || id > range.Last)
                problems.Add($"{name}: EventId {id} is outside {assembly}'s range {range.First}-{range.Last}");
        }

        foreach (var shared in methods.Where(m => m.Id > 0).GroupBy(m => m.Id).Where(g => g.Count() > 1))
            problems.Add($"EventId {shared.Key} is used by {string.Join(" and ", shared.Select(m => m.Name))}");

        Assert.True(problems.Count == 0, "log event ids:\n  " + string.Join("\n  ", problems));
    }

    [Fact]
    public void Kafka_provider_ids_fall_in_one_of_its_documented_areas()
    {
        var outside = LogMethods()
            .Where(m => m.Assembly == "Segmenter.Streaming.Kafka" && !LogEventIdRanges.KafkaAreas.Any(a => m.Id >= a.First && m.Id <= a.Last))
            .Select(m => $"{m.Name} ({m.Id})")
            .ToList();
        Assert.True(outside.Count == 0, $"Kafka log methods outside every documented area: {string.Join(", ", outside)}");
    }

    [Fact]
    public void No_product_code_calls_the_LoggerExtensions_methods()
    {
        var callers = new List<string>();
        var generatedCalls = 0;
        foreach (var method in ProductAssemblies.All.SelectMany(ProductAssemblies.TypesOf).SelectMany(ProductAssemblies.MethodsOf))
        {
            var (callees, _) = MethodCalls.Of(method);
            foreach (var callee in callees)
            {
                if (IsLoggerExtension(callee))
                    callers.Add($"{MethodCalls.Describe(method)} calls LoggerExtensions.{callee.Name}");
                else if (IsWhatGeneratedCodeCalls(callee))
                    generatedCalls++;
            }
        }

        // The generated methods are scanned too, and what they call (LoggerMessage.Define, ILogger.Log) is no offence.
        Assert.True(generatedCalls >= 60, $"only {generatedCalls} calls of LoggerMessage.Define or ILogger.Log found: does the scan read the generated code?");
        Assert.True(callers.Count == 0, "log through a [LoggerMessage] method with an EventId, not LoggerExtensions:\n  " + string.Join("\n  ", callers.Distinct()));
    }

    [Fact]
    public void The_scan_finds_a_LoggerExtensions_call()
    {
        var method = typeof(LogEventIdTests).GetMethod(nameof(CallsAnExtension), BindingFlags.NonPublic | BindingFlags.Static)!;

        Assert.Contains(MethodCalls.Of(method).Callees, IsLoggerExtension);
    }

    [Fact]
    public void The_READMEs_document_the_ranges()
    {
        // One table row per range, naming the assemblies that share it.
        var rows = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "README.md")).Where(l => l.StartsWith('|')).ToList();
        foreach (var (assembly, first, last) in LogEventIdRanges.All)
        {
            Assert.True(rows.Any(r => r.Contains($"`{assembly}`", StringComparison.Ordinal) && r.Contains($"{first}-{last}", StringComparison.Ordinal)),
                $"README.md's \"Log event ids\" has no row giving {assembly} the range {first}-{last}");
        }

        var kafka = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Streaming.Kafka", "README.md"));
        foreach (var (area, first, last) in LogEventIdRanges.KafkaAreas)
            Assert.True(kafka.Contains($"{first}-{last}", StringComparison.Ordinal), $"Streaming.Kafka/README.md does not give {first}-{last} ({area})");
    }

    private static IEnumerable<(string Assembly, string Name, int Id, bool Explicit)> LogMethods() =>
        from assembly in ProductAssemblies.All
        from type in ProductAssemblies.TypesOf(assembly)
        from method in ProductAssemblies.MethodsOf(type).OfType<MethodInfo>()
        let attribute = method.GetCustomAttributesData().SingleOrDefault(a => a.AttributeType == typeof(LoggerMessageAttribute))
        where attribute is not null
        select (assembly.GetName().Name!, MethodCalls.Describe(method), method.GetCustomAttribute<LoggerMessageAttribute>()!.EventId, IsExplicit(attribute));

    // Set by name (EventId = N) or by the constructor that takes it first; otherwise the generator derives one.
    private static bool IsExplicit(CustomAttributeData attribute) =>
        attribute.NamedArguments.Any(a => a.MemberName == nameof(LoggerMessageAttribute.EventId))
        || attribute.Constructor.GetParameters().Any(p => p.Name == "eventId");

    private static bool IsLoggerExtension(MethodBase callee) => callee.DeclaringType == typeof(LoggerExtensions);

    private static bool IsWhatGeneratedCodeCalls(MethodBase callee) =>
        callee.DeclaringType == typeof(LoggerMessage) || (callee.DeclaringType == typeof(ILogger) && callee.Name == nameof(ILogger.Log));

    // The positive control of the scan: a body that does what product code must not.
    private static void CallsAnExtension(ILogger logger) => logger.LogInformation("a line with event id 0");
}
