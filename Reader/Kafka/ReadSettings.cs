namespace Segmenter.Reader.Kafka;

/// <summary>
/// Where a read starts and when it ends by itself: from the beginning or only new records; after
/// <see cref="ExitWhenIdle"/> without a new record (counted once the records that were there at the start have been
/// read), or after <see cref="Max"/> records. Neither: until Ctrl+C.
/// </summary>
internal sealed record ReadSettings(bool FromBeginning, TimeSpan? ExitWhenIdle, long? Max);
