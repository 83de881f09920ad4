namespace Segmenter.Reader.Verification;

/// <summary>What rule 6 says must become of an input record.</summary>
internal enum RecordFate
{
    /// <summary>It must appear in session-events, in exactly one session.</summary>
    Accepted,

    /// <summary>Its seq is not above the device's last accepted seq: a retry, which must be dropped.</summary>
    Retry,

    /// <summary>
    /// A retry by seq, but it came so long after the device's previous event (in event time) that the silo may have purged
    /// the device's state and forgotten the seq: either outcome is right.
    /// </summary>
    Ambiguous,
}
