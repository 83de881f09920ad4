using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Segmenter.Embedded.Kafka.Security;

/// <summary>
/// Listens in front of one mock broker and hands every accepted client to a <see cref="SecureConnection"/> (TLS and
/// SASL, then a plain pipe to the broker). The secured counterpart of <see cref="TcpForwarder"/>.
/// </summary>
internal sealed class SecurityGateway : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly IPEndPoint _target;
    private readonly EmbeddedKafkaSecurity _security;
    private readonly CancellationTokenSource _cts = new();
    private readonly ConcurrentDictionary<long, SecureConnection> _connections = new();
    private readonly Task _acceptLoop;
    private long _nextConnectionId;
    private long _refused;
    private int _disposed;

    private SecurityGateway(Socket listener, IPEndPoint target, EmbeddedKafkaSecurity security)
    {
        _listener = listener;
        _target = target;
        _security = security;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The endpoint clients connect to.</summary>
    public IPEndPoint ListenEndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Clients refused so far (failed TLS handshake or SASL authentication, or a protocol violation before it).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Binds <paramref name="listen"/> (port 0: a free one) and starts accepting.</summary>
    public static SecurityGateway Start(IPEndPoint listen, IPEndPoint target, EmbeddedKafkaSecurity security)
    {
        var listener = new Socket(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(listen);
            listener.Listen(512);
            return new SecurityGateway(listener, target, security);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    private async Task AcceptLoopAsync()
    {
        var cancellationToken = _cts.Token;
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (cancellationToken.IsCancellationRequested)
                    break;
                continue;
            }

            var id = Interlocked.Increment(ref _nextConnectionId);
            var connection = new SecureConnection(client, _target, _security);
            _connections[id] = connection;
            connection.Completion = HandleAsync(id, connection, cancellationToken);
        }
    }

    private async Task HandleAsync(long id, SecureConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            if (!await connection.RunAsync(cancellationToken).ConfigureAwait(false))
                Interlocked.Increment(ref _refused);
        }
        catch (Exception)
        {
            // Broker down, reset, malformed frames, shutdown: drop this one client, never the gateway.
        }
        finally
        {
            connection.Abort();
            _connections.TryRemove(id, out _);
        }
    }

    /// <summary>Stops listening, closes every connection and waits for them to end.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _cts.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        foreach (var connection in _connections.Values)
            connection.Abort();
        await Task.WhenAll(_connections.Values.Select(c => c.Completion)).ConfigureAwait(false);
        _cts.Dispose();
    }
}
