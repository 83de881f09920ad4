namespace Segmenter.Reader.Output;

/// <summary>How the reader prints records: readable lines, or one JSON object per line for scripts.</summary>
internal enum OutputFormat
{
    Text,
    Jsonl,
}
