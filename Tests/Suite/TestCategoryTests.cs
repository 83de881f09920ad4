using System.Reflection;
using Segmenter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Segmenter.Tests.Suite;

/// <summary>
/// What <c>./test.sh --fast</c> runs is really fast: a class marked <c>Category=Unit</c> takes no fixture (Kafka,
/// Redis, the schema registry, a cluster) and joins no collection, so it starts nothing.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class TestCategoryTests
{
    [Fact]
    public void Unit_test_classes_take_no_fixture_and_join_no_collection()
    {
        var units = TestClasses().Where(IsUnit).ToList();
        Assert.True(units.Count >= 20, $"only {units.Count} unit test classes found: is the trait still read?");

        var offenders = units
            .Where(t => t.GetCustomAttributesData().Any(a => a.AttributeType == typeof(CollectionAttribute))
                || t.GetConstructors().Any(c => c.GetParameters().Any(p => p.ParameterType != typeof(ITestOutputHelper))))
            .Select(t => t.Name)
            .ToList();
        Assert.True(offenders.Count == 0, $"marked Unit but need infrastructure: {string.Join(", ", offenders)}");
    }

    private static IEnumerable<Type> TestClasses() =>
        typeof(TestCategoryTests).Assembly.GetTypes().Where(t => t.IsClass && t.GetMethods().Any(m =>
            m.GetCustomAttributes<FactAttribute>(inherit: true).Any()));

    private static bool IsUnit(Type type) => type.GetCustomAttributesData().Any(a =>
        a.AttributeType == typeof(TraitAttribute)
        && a.ConstructorArguments is [{ Value: TestCategories.Key }, { Value: TestCategories.Unit }]);
}
