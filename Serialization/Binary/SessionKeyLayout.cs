using Avro;
using Segmenter.Contracts;

namespace Segmenter.Serialization.Binary;

/// <summary>The binary layout of <c>sessions.SessionKey</c> { device: events.Device, sessionId } (see <see cref="IBinaryLayout{T}"/>).</summary>
internal sealed class SessionKeyLayout : IBinaryLayout<SessionKey>
{
    public static readonly SessionKeyLayout Instance = new();

    private static readonly BinaryRead<SessionKey> Reader = Read;

    public int SizeHint(SessionKey value) => 48;

    public void Write(AvroBinaryWriter writer, SessionKey value)
    {
        writer.WriteString(value.Device.Id);
        writer.WriteString(value.SessionId);
    }

    public BinaryRead<SessionKey>? ReaderFor(RecordSchema writer) => WriterLayouts.IsSessionKey(writer) ? Reader : null;

    private static SessionKey Read(ReadOnlySpan<byte> payload, string what)
    {
        var reader = new AvroBinaryReader(payload, what);
        var key = new SessionKey(new Device(reader.ReadString()), reader.ReadString());
        reader.ExpectEnd("sessions.SessionKey");
        return key;
    }
}
