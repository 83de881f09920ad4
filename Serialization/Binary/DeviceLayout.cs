using Avro;
using Segmenter.Contracts;

namespace Segmenter.Serialization.Binary;

/// <summary>The binary layout of <c>events.Device</c> { id } (see <see cref="IBinaryLayout{T}"/>).</summary>
internal sealed class DeviceLayout : IBinaryLayout<Device>
{
    public static readonly DeviceLayout Instance = new();

    private static readonly BinaryRead<Device> Reader = Read;

    public int SizeHint(Device value) => 32;

    public void Write(AvroBinaryWriter writer, Device value) => writer.WriteString(value.Id);

    public BinaryRead<Device>? ReaderFor(RecordSchema writer) => WriterLayouts.IsDevice(writer) ? Reader : null;

    private static Device Read(ReadOnlySpan<byte> payload, string what)
    {
        var reader = new AvroBinaryReader(payload, what);
        var device = new Device(reader.ReadString());
        reader.ExpectEnd("events.Device");
        return device;
    }
}
