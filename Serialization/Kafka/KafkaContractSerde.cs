using Confluent.Kafka;

namespace Segmenter.Serialization.Kafka;

/// <summary>
/// A <see cref="ContractCodec{T}"/> as Confluent's serializer and deserializer: the context names what is read (key or
/// value) and the topic-name subject (<c>&lt;topic&gt;-key</c> / <c>&lt;topic&gt;-value</c>, as the demo used). Nothing
/// else: framing, registry, failures and layouts are the codec's.
/// </summary>
internal sealed class KafkaContractSerde<T>(ContractCodec<T> codec) : IAsyncSerializer<T>, IAsyncDeserializer<T>
{
    public static string What(SerializationContext context) => context.Component == MessageComponentType.Key ? "key" : "value";

    public static string Subject(SerializationContext context) => $"{context.Topic}-{What(context)}";

    public async Task<byte[]> SerializeAsync(T data, SerializationContext context) =>
        await codec.WriteAsync(data, Subject(context)).ConfigureAwait(false);

    public async Task<T> DeserializeAsync(ReadOnlyMemory<byte> data, bool isNull, SerializationContext context) =>
        await codec.ReadAsync(data, isNull, What(context)).ConfigureAwait(false);
}
