using System.Diagnostics.CodeAnalysis;
using Confluent.Kafka;

namespace Segmenter.Streaming.Kafka.Receiving;

/// <summary>
/// What decoding one read came to: the records handled, in offset order, and — when decoding stopped for a passing
/// reason — the record it stopped at and every one after it, kept in order to be decoded again on a later read.
/// </summary>
internal sealed class DecodedBatch(IReadOnlyList<DecodedRecord> handled, IReadOnlyList<ConsumeResult<byte[], byte[]>> kept, Exception? stopReason)
{
    /// <summary>The records decoded or dead-lettered, in offset order: every record before <see cref="Kept"/>.</summary>
    public IReadOnlyList<DecodedRecord> Handled { get; } = handled;

    /// <summary>The record decoding stopped at and the ones after it, in order; empty when the whole read was handled.</summary>
    public IReadOnlyList<ConsumeResult<byte[], byte[]>> Kept { get; } = kept;

    /// <summary>Why decoding stopped (the decoder deferred, or a dead-letter write failed for a passing reason); null when it did not.</summary>
    public Exception? StopReason { get; } = stopReason;

    [MemberNotNullWhen(true, nameof(StopReason))]
    public bool IsStopped => StopReason is not null;

    /// <summary>The offset decoding stopped at; -1 when it did not stop.</summary>
    public long StoppedAt => Kept.Count == 0 ? -1 : Kept[0].Offset.Value;

    /// <summary>The last offset handled; -1 when none was (the read stopped at its first record).</summary>
    public long LastHandledOffset => Handled.Count == 0 ? -1 : Handled[^1].Offset;
}
