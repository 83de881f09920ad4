using Confluent.Kafka;
using Segmenter.Streaming.Kafka;
using Segmenter.Streaming.Kafka.Receiving;
using Segmenter.Tests.Infrastructure;
using ErrorCode = Confluent.Kafka.ErrorCode;
using static Segmenter.Tests.Kafka.ConsumedRecords;

namespace Segmenter.Tests.Kafka;

/// <summary>
/// What becomes of each record of a read, without a broker: decoded, poison (its dead letter written before the next
/// record is decoded), or the read stops at a passing failure and keeps that record and every later one, undecoded.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Unit)]
public sealed class RecordBatchDecoderTests
{
    private readonly ScriptedRecordDecoder _decoder = new();
    private readonly List<(long Offset, string Kind, string Reason)> _deadLetters = [];

    [Fact]
    public async Task A_read_that_decodes_whole_is_handled_in_offset_order_and_nothing_is_kept()
    {
        var batch = await DecodeAsync(At(10, "a", "x"), At(11, "b", "y"), At(12, "a", "z"));

        Assert.Equal([10L, 11, 12], batch.Handled.Select(h => h.Offset));
        Assert.Equal([new ScriptedEvent(10, "x"), new ScriptedEvent(11, "y"), new ScriptedEvent(12, "z")], batch.Handled.Select(h => h.Result.Event));
        Assert.Equal([ScriptedRecordDecoder.Stream("a"), ScriptedRecordDecoder.Stream("b"), ScriptedRecordDecoder.Stream("a")], batch.Handled.Select(h => h.Result.StreamId));
        Assert.DoesNotContain(batch.Handled, h => h.IsPoison);
        Assert.Equal((false, -1L, 12L), (batch.IsStopped, batch.StoppedAt, batch.LastHandledOffset));
        Assert.Empty(batch.Kept);
        Assert.Empty(_deadLetters);
        Assert.Equal([10L, 11, 12], _decoder.Attempts);
    }

    [Fact]
    public async Task A_poison_record_in_the_middle_is_dead_lettered_with_its_offset_and_the_records_around_it_are_decoded()
    {
        _decoder.PoisonAt(11, "NotAvro", "no magic byte");

        var batch = await DecodeAsync(At(10, "a", "x"), At(11, "a", "bad"), At(12, "a", "z"));

        Assert.Equal([(11L, "NotAvro", "no magic byte")], _deadLetters);
        Assert.Equal([(10L, false), (11L, true), (12L, false)], batch.Handled.Select(h => (h.Offset, h.IsPoison)));
        Assert.Equal(("NotAvro", "no magic byte"), (batch.Handled[1].Result.PoisonKind, batch.Handled[1].Result.PoisonReason));
        Assert.Equal([new ScriptedEvent(10, "x"), new ScriptedEvent(12, "z")], batch.Handled.Where(h => !h.IsPoison).Select(h => h.Result.Event));
        Assert.Equal((false, 12L), (batch.IsStopped, batch.LastHandledOffset));
    }

    [Fact]
    public async Task A_decoder_that_throws_dead_letters_the_record_as_decoder_failed_with_the_exception_and_the_read_goes_on()
    {
        _decoder.ThrowAt(10, new InvalidOperationException("cannot read it"));

        var batch = await DecodeAsync(At(10, "a", "x"), At(11, "a", "y"));

        Assert.Equal([(10L, KafkaDecodeResult.DecoderFailedKind, "System.InvalidOperationException: cannot read it")], _deadLetters);
        Assert.Equal([(10L, true), (11L, false)], batch.Handled.Select(h => (h.Offset, h.IsPoison)));
        Assert.False(batch.IsStopped);
    }

    [Fact]
    public async Task A_decoders_own_cancellation_while_the_read_is_not_cancelled_is_a_decoder_failure_not_the_end_of_the_read()
    {
        _decoder.ThrowAt(10, new OperationCanceledException("HTTP timeout"));

        var batch = await DecodeAsync(At(10, "a", "x"), At(11, "a", "y"));

        Assert.Equal([(10L, KafkaDecodeResult.DecoderFailedKind, "System.OperationCanceledException: HTTP timeout")], _deadLetters);
        Assert.Equal([10L, 11], batch.Handled.Select(h => h.Offset));
    }

    [Fact]
    public async Task A_deferred_record_stops_the_read_there_later_records_are_not_decoded_and_all_of_them_are_kept_in_order()
    {
        _decoder.DeferAt(11, times: 1);
        var records = new[] { At(10, "a", "x"), At(11, "b", "y"), At(12, "a", "z"), At(13, "c", "w") };

        var batch = await DecodeAsync(records);

        Assert.Equal([10L], batch.Handled.Select(h => h.Offset));
        Assert.Equal([records[1], records[2], records[3]], batch.Kept);
        Assert.IsType<KafkaDecodeDeferredException>(batch.StopReason);
        Assert.Equal((true, 11L, 10L), (batch.IsStopped, batch.StoppedAt, batch.LastHandledOffset));
        Assert.Equal([10L, 11], _decoder.Attempts);

        // The receiver decodes the kept records again on a later read: once the decoder can, they all come through.
        var retried = await DecodeAsync([.. batch.Kept]);

        Assert.Equal([11L, 12, 13], retried.Handled.Select(h => h.Offset));
        Assert.False(retried.IsStopped);
        Assert.Equal([10L, 11, 11, 12, 13], _decoder.Attempts);
    }

    [Fact]
    public async Task A_deferral_at_the_first_record_handles_nothing_and_keeps_the_whole_read()
    {
        _decoder.DeferAt(10);
        var records = new[] { At(10, "a", "x"), At(11, "a", "y") };

        var batch = await DecodeAsync(records);

        Assert.Empty(batch.Handled);
        Assert.Equal(records, batch.Kept);
        Assert.Equal((10L, -1L), (batch.StoppedAt, batch.LastHandledOffset));
        Assert.Equal([10L], _decoder.Attempts);
    }

    [Fact]
    public async Task A_dead_letter_that_cannot_be_written_now_stops_the_read_at_the_poison_record_itself()
    {
        _decoder.PoisonAt(11, "NotAvro", "no magic byte");
        var unreachable = new KafkaException(ErrorCode.Local_Transport);
        var records = new[] { At(10, "a", "x"), At(11, "a", "bad"), At(12, "a", "z") };

        var batch = await new RecordBatchDecoder(_decoder).DecodeAsync(records, (_, _) => Task.FromException(unreachable), CancellationToken.None);

        Assert.Equal([10L], batch.Handled.Select(h => h.Offset));
        Assert.Equal([records[1], records[2]], batch.Kept);
        Assert.Same(unreachable, batch.StopReason);
        Assert.Equal([10L, 11], _decoder.Attempts);
    }

    [Fact]
    public async Task A_cancelled_read_ends_with_the_cancellation()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        _decoder.ThrowAt(11, new OperationCanceledException(cancel.Token));

        await Assert.ThrowsAsync<OperationCanceledException>(() =>
            new RecordBatchDecoder(_decoder).DecodeAsync([At(10, "a", "x"), At(11, "a", "y"), At(12, "a", "z")], WriteDeadLetter, cancel.Token));

        Assert.Equal([10L, 11], _decoder.Attempts);
        Assert.Empty(_deadLetters);
    }

    [Fact]
    public async Task A_tombstone_is_not_special_it_goes_to_the_decoder_and_what_the_decoder_says_of_it_stands()
    {
        _decoder.PoisonAt(11, "Tombstone", "no value");

        var batch = await DecodeAsync(At(10, "a", null), At(11, "b", null));

        Assert.Equal([10L, 11], _decoder.Attempts);
        Assert.Equal(new ScriptedEvent(10, null), batch.Handled[0].Result.Event);
        Assert.Equal([(11L, "Tombstone", "no value")], _deadLetters);
    }

    [Fact]
    public async Task An_empty_read_decodes_nothing()
    {
        var batch = await DecodeAsync();

        Assert.Empty(batch.Handled);
        Assert.Empty(batch.Kept);
        Assert.Equal((false, -1L, -1L), (batch.IsStopped, batch.StoppedAt, batch.LastHandledOffset));
        Assert.Empty(_decoder.Attempts);
    }

    [Fact]
    public async Task A_records_stream_time_is_its_events_own_time_else_its_kafka_timestamp_and_poison_has_none()
    {
        var eventTime = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var recordTime = new DateTimeOffset(2026, 3, 1, 11, 0, 0, TimeSpan.Zero);
        _decoder.EventTimeAt(10, eventTime).PoisonAt(13, "NotAvro", "no magic byte");

        var batch = await DecodeAsync(
            At(10, "a", "x", new Timestamp(recordTime)),
            At(11, "a", "y", new Timestamp(recordTime)),
            At(12, "a", "z", new Timestamp(0, TimestampType.NotAvailable)),
            At(13, "a", "bad", new Timestamp(recordTime)),
            At(14, "a", "w", new Timestamp(long.MaxValue, TimestampType.CreateTime)));

        Assert.Equal([eventTime, recordTime, null, null, null], batch.Handled.Select(h => h.StreamTime));
    }

    private Task<DecodedBatch> DecodeAsync(params ConsumeResult<byte[], byte[]>[] records) =>
        new RecordBatchDecoder(_decoder).DecodeAsync(records, WriteDeadLetter, CancellationToken.None);

    private Task WriteDeadLetter(ConsumeResult<byte[], byte[]> record, KafkaDecodeResult poison)
    {
        _deadLetters.Add((record.Offset.Value, poison.PoisonKind!, poison.PoisonReason!));
        return Task.CompletedTask;
    }
}
