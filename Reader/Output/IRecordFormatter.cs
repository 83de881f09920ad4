using Segmenter.Reader.Records;

namespace Segmenter.Reader.Output;

/// <summary>Turns a record into the one line the reader prints for it.</summary>
internal interface IRecordFormatter
{
    string Format(TopicRecord record);
}
