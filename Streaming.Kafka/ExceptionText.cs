namespace Segmenter.Streaming.Kafka;

/// <summary>Exceptions as dead-letter reasons and logs show them: for people, so generic types read as C# writes them.</summary>
internal static class ExceptionText
{
    /// <summary>The type's full name, a generic one as <c>Confluent.Kafka.ProduceException&lt;Byte[], Byte[]&gt;</c> (not its assembly-qualified arguments).</summary>
    public static string TypeName(Type type)
    {
        if (!type.IsGenericType)
            return type.FullName ?? type.Name;
        var name = type.GetGenericTypeDefinition().FullName ?? type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return $"{(tick < 0 ? name : name[..tick])}<{string.Join(", ", type.GetGenericArguments().Select(a => a.Name))}>";
    }

    /// <summary>The exception chain, type and message of each, at most <paramref name="maxLength"/> characters.</summary>
    public static string Chain(Exception failure, int maxLength = 2_000)
    {
        var parts = new List<string>();
        for (var e = failure; e is not null && parts.Count < 4; e = e.InnerException)
            parts.Add($"{TypeName(e.GetType())}: {e.Message}");
        var text = string.Join(" ---> ", parts);
        return text.Length <= maxLength ? text : text[..maxLength] + "...";
    }
}
