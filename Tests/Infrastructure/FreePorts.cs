using System.Net;
using System.Net.Sockets;

namespace Segmenter.Tests.Infrastructure;

/// <summary>Ports nothing listens on now (for processes that need fixed ports in a test).</summary>
/// <remarks>
/// Taken from below the kernel's ephemeral range (32768–60999 on Linux): a port the system handed out for "any free
/// port" can be handed out again a moment later as the local end of some other test's outgoing connection, before the
/// process that was given it binds it ("Address already in use"). The local cluster of scripts/ uses 8080–8099,
/// 9092, 8081, 6390, 11111+ and 30000+, so the range here stays clear of those too.
/// </remarks>
internal static class FreePorts
{
    private const int First = 20000;
    private const int Count = 9000;
    private static int _next = Random.Shared.Next(Count);

    public static int[] Take(int count)
    {
        var ports = new List<int>(count);
        for (var attempts = 0; ports.Count < count; attempts++)
        {
            if (attempts >= Count)
                throw new InvalidOperationException($"no {count} free ports between {First} and {First + Count - 1}");
            var port = First + (int)((uint)Interlocked.Increment(ref _next) % Count);
            if (CanBind(port))
                ports.Add(port);
        }

        return [.. ports];
    }

    public static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static bool CanBind(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
