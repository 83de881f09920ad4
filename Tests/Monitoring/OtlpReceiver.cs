using System.Collections.Concurrent;
using System.Net;

namespace Segmenter.Tests.Monitoring;

/// <summary>One OTLP/HTTP request as a collector received it.</summary>
internal sealed record OtlpRequest(string Path, string? ContentType, byte[] Body);

/// <summary>
/// A stand-in OpenTelemetry collector on loopback: accepts OTLP/HTTP posts (answering with an empty, successful
/// export response) and keeps them, so a test can see what a silo pushed.
/// </summary>
internal sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<OtlpRequest> _requests = new();
    private readonly Task _loop;

    public OtlpReceiver(int port)
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseAddress.ToString());
        _listener.Start();
        _loop = Task.Run(ReceiveAsync);
    }

    public Uri BaseAddress { get; }

    public IReadOnlyCollection<OtlpRequest> Requests => [.. _requests];

    private async Task ReceiveAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _requests.Enqueue(new OtlpRequest(context.Request.Url!.AbsolutePath, context.Request.ContentType, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf"; // an empty ExportMetricsServiceResponse is zero bytes
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
