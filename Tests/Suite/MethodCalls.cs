using System.Reflection;
using System.Reflection.Emit;

namespace Segmenter.Tests.Suite;

/// <summary>
/// The methods a method body calls, read from its IL: every call, callvirt, newobj, ldftn and ldvirtftn operand
/// resolved through its module. Walks the instruction stream by operand sizes, so an operand's bytes are never taken
/// for an opcode.
/// </summary>
internal static class MethodCalls
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The callees of <paramref name="method"/>, and how many call tokens could not be resolved here.</summary>
    public static (List<MethodBase> Callees, int Unresolved) Of(MethodBase method)
    {
        var callees = new List<MethodBase>();
        var unresolved = 0;
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
            return (callees, 0);

        var typeArguments = method.DeclaringType is { IsGenericType: true } type ? type.GetGenericArguments() : null;
        var methodArguments = method is MethodInfo { IsGenericMethod: true } ? method.GetGenericArguments() : null;
        var at = 0;
        while (at < il.Length)
        {
            var twoBytes = il[at] == 0xFE; // the prefix of the two-byte opcodes (ceq, ldftn, ...)
            var value = twoBytes ? unchecked((short)(0xFE00 | il[at + 1])) : il[at];
            at += twoBytes ? 2 : 1;
            if (!OpCodesByValue.TryGetValue(value, out var opCode))
                throw new InvalidOperationException($"{Describe(method)}: unknown opcode 0x{value:X} at IL offset {at}");

            if (opCode.OperandType == OperandType.InlineMethod)
            {
                var token = BitConverter.ToInt32(il, at);
                try
                {
                    if (method.Module.ResolveMethod(token, typeArguments, methodArguments) is { } callee)
                        callees.Add(callee);
                }
                catch (Exception e) when (e is ArgumentException or TypeLoadException or MissingMemberException or BadImageFormatException or IOException)
                {
                    // A callee in an assembly absent here (an optional dependency): it is no logging call either.
                    unresolved++;
                }
            }

            at += OperandSize(opCode, il, at);
        }

        return (callees, unresolved);
    }

    public static string Describe(MethodBase method) => $"{method.DeclaringType?.FullName}.{method.Name}";

    private static int OperandSize(OpCode opCode, byte[] il, int at) => opCode.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
        _ => 4, // InlineBrTarget, InlineField, InlineI, InlineMethod, InlineSig, InlineString, InlineTok, InlineType, ShortInlineR
    };
}
