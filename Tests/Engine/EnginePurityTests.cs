using System.Reflection;
using System.Reflection.Emit;
using Segmenter.Grains.Segmentation;

namespace Segmenter.Tests.Engine;

/// <summary>
/// The engine is pure: nothing in its namespace touches Orleans, Kafka or Redis, or reads a clock or a random
/// source (its results must be a function of its inputs, or replays would diverge). Checked on the compiled
/// code: signatures, fields, attributes and every member referenced from method bodies.
/// </summary>
public sealed class EnginePurityTests
{
    private static readonly string[] ForbiddenNamespaces = ["Orleans", "Confluent", "StackExchange", "Microsoft.Orleans", "Avro"];

    private static readonly string[] ForbiddenMembers =
    [
        "System.DateTime.get_Now", "System.DateTime.get_UtcNow", "System.DateTime.get_Today",
        "System.DateTimeOffset.get_Now", "System.DateTimeOffset.get_UtcNow",
        "System.TimeProvider.get_System", "System.Environment.get_TickCount", "System.Environment.get_TickCount64",
        "System.Guid.NewGuid", "System.Random..ctor", "System.Random.get_Shared", "System.Diagnostics.Stopwatch.GetTimestamp",
        "System.Diagnostics.Stopwatch.StartNew",
    ];

    private static readonly Type[] EngineTypes = typeof(SessionSegmenter).Assembly.GetTypes()
        .Where(t => t.Namespace == typeof(SessionSegmenter).Namespace)
        .ToArray();

    [Fact]
    public void The_engine_namespace_has_the_engine_types()
    {
        Assert.Contains(typeof(SessionSegmenter), EngineTypes);
        Assert.Contains(typeof(DeviceState), EngineTypes);
        Assert.True(EngineTypes.Length >= 10);
    }

    [Fact]
    public void The_engine_references_no_Orleans_Kafka_or_Redis_type()
    {
        var offending = EngineTypes
            .SelectMany(t => ReferencedTypes(t).Select(r => (User: t, Referenced: r)))
            .Where(p => ForbiddenNamespaces.Any(ns => p.Referenced.Namespace is { } n && (n == ns || n.StartsWith(ns + ".", StringComparison.Ordinal))))
            .Select(p => $"{p.User.FullName} -> {p.Referenced.FullName}")
            .Distinct()
            .ToList();

        Assert.True(offending.Count == 0, "The engine references infrastructure: " + string.Join(", ", offending));
    }

    [Fact]
    public void The_engine_reads_no_clock_and_no_random_source()
    {
        var offending = EngineTypes
            .SelectMany(t => MethodBodiesOf(t).SelectMany(m => ReferencedMembers(m).Select(r => (Method: m, Referenced: r))))
            .Select(p => (p.Method, Name: $"{p.Referenced.DeclaringType?.FullName}.{p.Referenced.Name}"))
            .Where(p => ForbiddenMembers.Contains(p.Name))
            .Select(p => $"{p.Method.DeclaringType?.Name}.{p.Method.Name} -> {p.Name}")
            .Distinct()
            .ToList();

        Assert.True(offending.Count == 0, "The engine reads a clock or randomness: " + string.Join(", ", offending));
    }

    [Fact]
    public void The_scanner_sees_clock_reads_and_infrastructure_references()
    {
        // Guards the two tests above against passing because the scan sees nothing.
        var clockReads = MethodBodiesOf(typeof(ScannerProbe)).SelectMany(ReferencedMembers).Select(m => $"{m.DeclaringType?.FullName}.{m.Name}");
        Assert.Contains("System.DateTimeOffset.get_UtcNow", clockReads);
        Assert.Contains(typeof(Orleans.IGrain), ReferencedTypes(typeof(ScannerProbe)));
    }

    private static IEnumerable<MethodBase> MethodBodiesOf(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        return type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)).Where(m => m.GetMethodBody() is not null);
    }

    private static IEnumerable<Type> ReferencedTypes(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var types = new List<Type?> { type.BaseType };
        types.AddRange(type.GetInterfaces());
        types.AddRange(type.GetCustomAttributesData().Select(a => a.AttributeType));
        types.AddRange(type.GetFields(all).Select(f => f.FieldType));
        types.AddRange(type.GetProperties(all).Select(p => p.PropertyType));
        foreach (var method in MethodBodiesOf(type))
        {
            if (method is MethodInfo info)
                types.Add(info.ReturnType);
            types.AddRange(method.GetParameters().Select(p => p.ParameterType));
            types.AddRange(method.GetMethodBody()!.LocalVariables.Select(l => l.LocalType));
            types.AddRange(ReferencedMembers(method).Select(m => m as Type ?? m.DeclaringType));
        }

        return types.OfType<Type>().SelectMany(Unwrap).Distinct();
    }

    private static IEnumerable<Type> Unwrap(Type type)
    {
        yield return type;
        if (type.HasElementType)
            foreach (var inner in Unwrap(type.GetElementType()!))
                yield return inner;
        if (type.IsGenericType)
            foreach (var argument in type.GetGenericArguments().SelectMany(Unwrap))
                yield return argument;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Every method, field and type token in a method body's IL.</summary>
    private static IEnumerable<MemberInfo> ReferencedMembers(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray() ?? [];
        var typeArguments = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var found = new List<MemberInfo>();
        for (var i = 0; i < il.Length;)
        {
            short value = il[i] == 0xfe ? (short)(0xfe00 | il[i + 1]) : il[i];
            i += il[i] == 0xfe ? 2 : 1;
            var opCode = OpCodesByValue[value];
            switch (opCode.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    var token = BitConverter.ToInt32(il, i);
                    try
                    {
                        if (method.Module.ResolveMember(token, typeArguments, methodArguments) is { } member)
                            found.Add(member);
                    }
                    catch (ArgumentException)
                    {
                        // Unresolvable generic context: the signature checks still cover the declaring types.
                    }

                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + (4 * BitConverter.ToInt32(il, i));
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                default:
                    i += 4;
                    break;
            }
        }

        return found;
    }

    private static class ScannerProbe
    {
        public static object Probe() => (DateTimeOffset.UtcNow, typeof(Orleans.IGrain));
    }
}
