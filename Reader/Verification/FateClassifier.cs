using Segmenter.Contracts;
using Segmenter.Reader.Records;

namespace Segmenter.Reader.Verification;

/// <summary>
/// Rule 6 replayed over the input: per device, in the order Kafka holds its records, an event whose seq is not above the
/// last accepted seq is a retry and must be dropped. The silo forgets a device's seq when it purges the device (after
/// <see cref="VerificationRules.PurgeAfter"/> of silence in processing time); the verification cannot see processing
/// time, so a retry that comes that long after the device's previous event (in event time) may go either way.
/// </summary>
internal static class FateClassifier
{
    public static Dictionary<SourcePosition, RecordFate> Classify(IEnumerable<InputEventRecord> records, TimeSpan purgeAfter)
    {
        var fates = new Dictionary<SourcePosition, RecordFate>();
        foreach (var device in records.GroupBy(r => r.DeviceId, StringComparer.Ordinal))
        {
            long? lastSeq = null;
            DateTimeOffset? latest = null;
            foreach (var record in device.OrderBy(r => r.Source))
            {
                var time = record.Envelope.Timestamp;
                var mayBePurged = latest is { } previous && time - previous > purgeAfter;
                var seq = record.Envelope.Seq;
                var fate = seq is { } s && lastSeq is { } last && s <= last
                    ? mayBePurged ? RecordFate.Ambiguous : RecordFate.Retry
                    : RecordFate.Accepted;
                if (fate != RecordFate.Retry && seq is not null)
                    lastSeq = seq;
                latest = latest is { } l && l > time ? l : time;
                fates[record.Source] = fate;
            }
        }

        return fates;
    }
}
