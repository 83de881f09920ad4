using System.CommandLine;
using Segmenter.Benchmarks;

// dotnet run -c Release --project Benchmarks -- throughput --devices 10,100000 --events 300000
var devices = new Option<int[]>("--devices") { Description = "Device counts to run (comma separated or repeated).", DefaultValueFactory = _ => [10, 100_000], AllowMultipleArgumentsPerToken = true, CustomParser = r => [.. r.Tokens.SelectMany(t => t.Value.Split(',')).Select(int.Parse)] };
var events = new Option<int>("--events") { Description = "Input events per run.", DefaultValueFactory = _ => 200_000 };
var partitions = new Option<int>("--partitions") { Description = "Partitions of the input topic (the embedded broker keeps 5 MiB each).", DefaultValueFactory = _ => 16 };
var silos = new Option<int[]>("--silos") { Description = "Silo counts for the full pipeline.", DefaultValueFactory = _ => [1, 2], AllowMultipleArgumentsPerToken = true, CustomParser = r => [.. r.Tokens.SelectMany(t => t.Value.Split(',')).Select(int.Parse)] };
var output = new Option<string?>("--output") { Description = "Also append the table to this file." };
var columns = new Option<string[]>("--columns") { Description = "Columns to run: raw, ceiling, segmenter (for profiling one).", DefaultValueFactory = _ => ["raw", "ceiling", "segmenter"], AllowMultipleArgumentsPerToken = true, CustomParser = r => [.. r.Tokens.SelectMany(t => t.Value.Split(','))] };

var cacheSize = new Option<int?>("--cache-size") { Description = "Kafka:CacheSize of the pipeline's silos (events read but not delivered, per partition); default: the provider's." };
var throughput = new Command("throughput", "Events/s of raw Kafka loop, Orleans ceiling and the full pipeline, same input, same run.") { devices, events, partitions, silos, output, columns, cacheSize };
throughput.SetAction(async (parse, cancellationToken) =>
{
    var report = await ThroughputBenchmark.RunAsync(parse.GetValue(devices)!, parse.GetValue(events), parse.GetValue(partitions), parse.GetValue(silos)!, parse.GetValue(columns)!, parse.GetValue(cacheSize));
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

var rates = new Option<int[]>("--rates") { Description = "Input rates in events/s.", DefaultValueFactory = _ => [1_000, 5_000, 20_000], AllowMultipleArgumentsPerToken = true, CustomParser = r => [.. r.Tokens.SelectMany(t => t.Value.Split(',')).Select(int.Parse)] };
var seconds = new Option<int>("--seconds") { Description = "Seconds per rate.", DefaultValueFactory = _ => 20 };
var latencyDevices = new Option<int>("--devices") { Description = "Devices sending.", DefaultValueFactory = _ => 1_000 };
var latency = new Command("latency", "Produce-to-output latency percentiles at fixed input rates (full pipeline, one silo).") { rates, seconds, latencyDevices, partitions, output };
latency.SetAction(async (parse, cancellationToken) =>
{
    var report = await LatencyBenchmark.RunAsync(parse.GetValue(rates)!, TimeSpan.FromSeconds(parse.GetValue(seconds)), parse.GetValue(latencyDevices), parse.GetValue(partitions));
    Console.WriteLine(report);
    if (parse.GetValue(output) is { } file)
        await File.AppendAllTextAsync(file, report + Environment.NewLine, cancellationToken);
    return 0;
});

var stateDevices = new Option<int>("--devices") { Description = "Distinct devices.", DefaultValueFactory = _ => 100_000 };
var purgeSeconds = new Option<int>("--purge-after") { Description = "Segmentation:PurgeAfter in seconds.", DefaultValueFactory = _ => 30 };
var state = new Command("state", "Memory, Redis keys and reminders while many devices are remembered, and the time to purge them.") { stateDevices, partitions, purgeSeconds, output, cacheSize };
state.SetAction(async (parse, cancellationToken) =>
{
    var report = await StateBenchmark.RunAsync(parse.GetValue(stateDevices), parse.GetValue(partitions), TimeSpan.FromSeconds(parse.GetValue(purgeSeconds)), parse.GetValue(cacheSize));
    Console.WriteLine(report);
    if (parse.GetValue(output) is { } file)
        await File.AppendAllTextAsync(file, report + Environment.NewLine, cancellationToken);
    return 0;
});

var root = new RootCommand("Segmenter benchmarks: each prints a table; compare columns of the same run only (the machine is shared).") { throughput, latency, state, codec };
return await root.Parse(args).InvokeAsync();
