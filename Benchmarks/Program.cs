using System.CommandLine;
using Segmenter.Benchmarks;

// dotnet run -c Release --project Benchmarks -- throughput --devices 10,100000 --events 300000
var devices = new Option<int[]>("--devices") { Description = "Device counts to run (comma separated or repeated).", DefaultValueFactory = _ => [10, 100_000], AllowMultipleArgumentsPerToken = true, CustomParser = r => [.. r.Tokens.SelectMany(t => t.Value.Split(',')).Select(int.Parse)] };
var events = new Option<int>("--events") { Description = "Input events per run.", DefaultValueFactory = _ => 200_000 };
var partitions = new Option<int>("--partitions") { Description = "Partitions of the input topic (the embedded broker keeps 5 MiB each).", DefaultValueFactory = _ => 16 };
var silos = new Option<int[]>("--silos") { Description = "Silo counts for the full pipeline.", DefaultValueFactory = _ => [1, 2], AllowMultipleArgumentsPerToken = true, CustomParser = r => [.. r.Tokens.SelectMany(t => t.Value.Split(',')).Select(int.Parse)] };
var output = new Option<string?>("--output") { Description = "Also append the table to this file." };

var throughput = new Command("throughput", "Events/s of raw Kafka loop, Orleans ceiling and the full pipeline, same input, same run.") { devices, events, partitions, silos, output };
throughput.SetAction(async (parse, cancellationToken) =>
{
    var report = await ThroughputBenchmark.RunAsync(parse.GetValue(devices)!, parse.GetValue(events), parse.GetValue(partitions), parse.GetValue(silos)!);
    Console.WriteLine(report);
    if (parse.GetValue(output) is { } file)
        await File.AppendAllTextAsync(file, report + Environment.NewLine, cancellationToken);
    return 0;
});

var records = new Option<int>("--records") { Description = "Records per codec operation.", DefaultValueFactory = _ => 100_000 };
var codec = new Command("codec", "Cost per record of the Avro serializers and deserializers.") { records };
codec.SetAction(async (parse, _) =>
{
    Console.WriteLine(await CodecBenchmark.RunAsync(parse.GetValue(records)));
    return 0;
});

var root = new RootCommand("Segmenter benchmarks: each prints a table; compare columns of the same run only (the machine is shared).") { throughput, codec };
return await root.Parse(args).InvokeAsync();
