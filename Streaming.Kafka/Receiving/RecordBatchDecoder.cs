using Confluent.Kafka;

namespace Segmenter.Streaming.Kafka.Receiving;

/// <summary>
/// Decodes one read of a partition with the topic's decoder, record by record in offset order, and says what became of
/// each: decoded, or poison (handed to the dead-letter writer before the next record is decoded). The first passing
/// failure stops the read there, so that nothing after a deferred record is decoded or delivered ahead of it.
/// </summary>
internal sealed class RecordBatchDecoder(IKafkaRecordDecoder decoder)
{
    /// <summary>Writes the dead letter of a poison record; throws when it cannot now but may later (the broker is unreachable).</summary>
    public delegate Task DeadLetterWriter(ConsumeResult<byte[], byte[]> record, KafkaDecodeResult poison);

    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled: the read ends (the partition is being released).</exception>
    public async Task<DecodedBatch> DecodeAsync(IReadOnlyList<ConsumeResult<byte[], byte[]>> records, DeadLetterWriter deadLetter, CancellationToken cancellationToken)
    {
        var handled = new List<DecodedRecord>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            KafkaDecodeResult result;
            try
            {
                result = await DecodeOneAsync(record, cancellationToken);
                if (result.IsPoison)
                    await deadLetter(record, result);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A passing failure: the decoder deferred the record (registry unreachable), or the dead-letter write failed
                // for a passing reason (broker unreachable). Keep this record and the rest, in order, for a later read.
                return new DecodedBatch(handled, [.. records.Skip(i)], e);
            }

            handled.Add(new DecodedRecord(record, result));
        }

        return new DecodedBatch(handled, [], null);
    }

    private async ValueTask<KafkaDecodeResult> DecodeOneAsync(ConsumeResult<byte[], byte[]> record, CancellationToken cancellationToken)
    {
        try
        {
            return await decoder.DecodeAsync(record, cancellationToken);
        }
        catch (Exception e) when (e is not KafkaDecodeDeferredException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // Only the deferred exception means "retry later" (IKafkaRecordDecoder): anything else would fail the
            // same way on the same bytes forever, so the record is dead-lettered and the partition goes on.
            return KafkaDecodeResult.Poison(KafkaDecodeResult.DecoderFailedKind, $"{ExceptionText.TypeName(e.GetType())}: {e.Message}");
        }
    }
}
