using Avro;

namespace Segmenter.Serialization.Binary;

/// <summary>
/// Recognises writer schemas whose binary layout the hot-path codecs read directly: our own schemas and the demo's
/// Envelope without <c>seq</c>. Anything else (a newer producer's schema, another record) goes to the general path,
/// which resolves schemas with Apache.Avro and reports precise errors.
/// </summary>
internal static class WriterLayouts
{
    /// <summary>Null when the envelope layout is not ours; otherwise whether it carries the optional <c>seq</c>.</summary>
    public static bool? EnvelopeHasSeq(RecordSchema writer)
    {
        if (writer.Fullname != "events.Envelope" || writer.Fields.Count is < 2 or > 3)
            return null;
        if (writer.Fields[0] is not { Name: "event", Schema: UnionSchema union } || !IsEventUnion(union))
            return null;
        if (writer.Fields[1] is not { Name: "timestamp" } timestamp || !IsLong(timestamp.Schema))
            return null;
        if (writer.Fields.Count == 2)
            return false;
        return writer.Fields[2] is { Name: "seq", Schema: UnionSchema { Count: 2 } seq } && seq[0].Tag == Schema.Type.Null && IsLong(seq[1]) ? true : null;
    }

    public static bool IsDevice(RecordSchema writer) =>
        writer.Fullname == "events.Device" && writer.Fields.Count == 1 && writer.Fields[0] is { Name: "id", Schema.Tag: Schema.Type.String };

    public static bool IsSessionKey(RecordSchema writer) =>
        writer.Fullname == "sessions.SessionKey" && writer.Fields.Count == 2
        && writer.Fields[0] is { Name: "device", Schema: RecordSchema device } && IsDevice(device)
        && writer.Fields[1] is { Name: "sessionId", Schema.Tag: Schema.Type.String };

    private static bool IsEventUnion(UnionSchema union) =>
        union.Count == 3
        && union[0] is RecordSchema { Fullname: "events.DeviceWokeUp", Fields.Count: 0 }
        && union[1] is RecordSchema { Fullname: "events.DataReceived", Fields.Count: 2 } data
        && data.Fields[0] is { Name: "name", Schema.Tag: Schema.Type.String }
        && data.Fields[1] is { Name: "value", Schema.Tag: Schema.Type.Double }
        && union[2] is RecordSchema { Fullname: "events.AllDataReceived", Fields.Count: 0 };

    private static bool IsLong(Schema schema) =>
        schema.Tag == Schema.Type.Long || (schema is LogicalSchema { BaseSchema.Tag: Schema.Type.Long, LogicalTypeName: "timestamp-millis" });
}
