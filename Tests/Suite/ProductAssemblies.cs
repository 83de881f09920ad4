using System.Reflection;

namespace Segmenter.Tests.Suite;

/// <summary>Segmenter's own assemblies beside the tests (every Segmenter.* but the tests themselves), loaded for reflection.</summary>
internal static class ProductAssemblies
{
    public static IReadOnlyList<Assembly> All { get; } = Load();

    /// <summary>Every type, nested and compiler-generated ones included (async state machines, lambdas' closures).</summary>
    public static IEnumerable<Type> TypesOf(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            // A type whose dependency is absent here cannot be inspected; the rest still can.
            return e.Types.OfType<Type>();
        }
    }

    public static IEnumerable<MethodBase> MethodsOf(Type type)
    {
        const BindingFlags declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        return type.GetMethods(declared).Cast<MethodBase>().Concat(type.GetConstructors(declared));
    }

    private static List<Assembly> Load()
    {
        var tests = typeof(ProductAssemblies).Assembly.GetName().Name;
        return Directory.GetFiles(AppContext.BaseDirectory, "Segmenter.*.dll")
            .Select(AssemblyName.GetAssemblyName)
            .Where(name => name.Name != tests)
            .Select(Assembly.Load)
            .OrderBy(a => a.GetName().Name, StringComparer.Ordinal)
            .ToList();
    }
}
