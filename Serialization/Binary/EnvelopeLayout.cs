using Avro;
using Segmenter.Contracts;

namespace Segmenter.Serialization.Binary;

/// <summary>
/// The binary layout of <c>events.Envelope</c> (see <see cref="IBinaryLayout{T}"/>): read directly when written with our
/// schema or the demo's without <c>seq</c>; any other writer schema goes the general way.
/// </summary>
internal sealed class EnvelopeLayout : IBinaryLayout<Envelope>
{
    public static readonly EnvelopeLayout Instance = new();

    private const string FullName = "events.Envelope";

    private static readonly BinaryRead<Envelope> WithSeq = (payload, what) => Read(payload, what, hasSeq: true);
    private static readonly BinaryRead<Envelope> WithoutSeq = (payload, what) => Read(payload, what, hasSeq: false);

    public int SizeHint(Envelope value) => 64;

    public void Write(AvroBinaryWriter writer, Envelope value)
    {
        switch (value.Event)
        {
            case DeviceWokeUp:
                writer.WriteLong(0);
                break;
            case DataReceived data:
                writer.WriteLong(1);
                writer.WriteString(data.Name);
                writer.WriteDouble(data.Value);
                break;
            case AllDataReceived:
                writer.WriteLong(2);
                break;
            default:
                throw new ArgumentException($"Unknown device event kind '{value.Event.GetType().Name}'.", nameof(value));
        }

        writer.WriteLong(value.Timestamp.ToUnixTimeMilliseconds());
        if (value.Seq is { } seq)
        {
            writer.WriteLong(1);
            writer.WriteLong(seq);
        }
        else
        {
            writer.WriteLong(0);
        }
    }

    public BinaryRead<Envelope>? ReaderFor(RecordSchema writer) => WriterLayouts.EnvelopeHasSeq(writer) switch
    {
        true => WithSeq,
        false => WithoutSeq,
        null => null,
    };

    private static Envelope Read(ReadOnlySpan<byte> payload, string what, bool hasSeq)
    {
        var reader = new AvroBinaryReader(payload, what);
        DeviceEvent evt = reader.ReadLong() switch
        {
            0 => DeviceWokeUp.Instance,
            1 => new DataReceived(reader.ReadString(), reader.ReadDouble()),
            2 => AllDataReceived.Instance,
            var branch => throw reader.Corrupt($"has union index {branch} for the field 'event', outside the writer's 3 branches"),
        };
        var timestamp = AvroTimestamps.FromMillis(reader.ReadLong(), $"Field {FullName}.timestamp");
        long? seq = null;
        if (hasSeq)
        {
            seq = reader.ReadLong() switch
            {
                0 => null,
                1 => reader.ReadLong(),
                var branch => throw reader.Corrupt($"has union index {branch} for the field 'seq', outside the writer's 2 branches"),
            };
        }

        reader.ExpectEnd(FullName);
        return new Envelope(evt, timestamp, seq);
    }
}
