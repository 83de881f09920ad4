using Segmenter.Cli;
using Segmenter.Contracts;
using Segmenter.Reader.Records;

namespace Segmenter.Reader.Verification;

/// <summary>
/// Finds each line of the input file in the <c>events</c> topic, by device, event, timestamp and seq: identical lines
/// (a duplicate sent twice) match identical records in order. This gives every input line its source position, which
/// is what <c>session-events</c> names in its headers.
/// </summary>
internal static class InputMatcher
{
    /// <summary>The records matched to each line, the lines with no record, and the records no line claims.</summary>
    public static (Dictionary<SourcePosition, EventLine> LineOf, List<EventLine> NotFound, List<InputEventRecord> Unclaimed) Match(
        IReadOnlyList<EventLine> lines, IEnumerable<InputEventRecord> records)
    {
        var waiting = new Dictionary<(string, Envelope), Queue<InputEventRecord>>();
        foreach (var record in records.OrderBy(r => r.Source))
        {
            var key = (record.DeviceId, record.Envelope);
            if (!waiting.TryGetValue(key, out var queue))
                waiting[key] = queue = new Queue<InputEventRecord>();
            queue.Enqueue(record);
        }

        var lineOf = new Dictionary<SourcePosition, EventLine>();
        var notFound = new List<EventLine>();
        foreach (var line in lines)
        {
            if (waiting.TryGetValue((line.DeviceId, line.Envelope), out var queue) && queue.TryDequeue(out var record))
                lineOf[record.Source] = line;
            else
                notFound.Add(line);
        }

        return (lineOf, notFound, [.. waiting.Values.SelectMany(q => q).OrderBy(r => r.Source)]);
    }
}
