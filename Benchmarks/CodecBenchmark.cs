using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Segmenter.Contracts;
using Segmenter.Serialization;
using Segmenter.Serialization.Mapping;

namespace Segmenter.Benchmarks;

/// <summary>Cost per record of the Avro codecs (serialize and deserialize, keys and values), same machine, same run.</summary>
internal static class CodecBenchmark
{
    public static async Task<string> RunAsync(int records)
    {
        await using var infrastructure = await BenchInfrastructure.StartAsync();
        var serdes = infrastructure.Serdes;
        var workload = Workload.Generate(1_000, records);
        var topic = "codec";
        var valueContext = new SerializationContext(MessageComponentType.Value, topic);
        var keyContext = new SerializationContext(MessageComponentType.Key, topic);
        var values = new byte[records][];
        var keys = new byte[records][];
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Codec cost, {records:N0} records, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        report.AppendLine("| operation | ns/record | records/s |");
        report.AppendLine("|---|---:|---:|");

        async Task Measure(string name, Func<int, Task> operation)
        {
            for (var i = 0; i < Math.Min(records, 2_000); i++)
                await operation(i); // warm-up
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < records; i++)
                await operation(i);
            var ns = watch.Elapsed.TotalNanoseconds / records;
            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {ns:N0} | {1e9 / ns:N0} |");
        }

        // The baseline in the same run: Confluent's serdes over Apache.Avro generic records, what the direct codecs replaced.
        var generic = new AvroContractSerializer<Envelope>(infrastructure.Registry, new EnvelopeMapper());
        var genericReader = new AvroContractDeserializer<Envelope>(infrastructure.Registry, new EnvelopeMapper());
        await Measure("serialize Envelope, generic (Confluent + GenericRecord)", async i => values[i] = await generic.SerializeAsync(workload[i].Envelope, valueContext));
        await Measure("deserialize Envelope, generic (Confluent + GenericRecord)", async i => await genericReader.DeserializeAsync(values[i], false, valueContext));
        await Measure("serialize Envelope", async i => values[i] = await serdes.EnvelopeSerializer.SerializeAsync(workload[i].Envelope, valueContext));
        await Measure("serialize Device", async i => keys[i] = await serdes.DeviceSerializer.SerializeAsync(new Device(workload[i].Device), keyContext));
        await Measure("deserialize Envelope", async i => await serdes.EnvelopeDeserializer.DeserializeAsync(values[i], false, valueContext));
        await Measure("deserialize Device", async i => await serdes.DeviceDeserializer.DeserializeAsync(keys[i], false, keyContext));
        var sessionKey = new SessionKey(new Device("device-1"), "abcdefghjkmn");
        await Measure("serialize SessionKey", async _ => await serdes.SessionKeySerializer.SerializeAsync(sessionKey, keyContext));
        return report.ToString();
    }
}
