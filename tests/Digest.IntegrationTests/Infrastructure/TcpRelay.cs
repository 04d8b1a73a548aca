using System.Net;
using System.Net.Sockets;

namespace Digest.IntegrationTests.Infrastructure;

/// <summary>
/// A TCP relay to a server (here PostgreSQL) that a test can cut: every connection is dropped and the port
/// refuses new ones, as when the database restarts, without touching the database cluster other tests share.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _cut = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;

    public TcpRelay(string host, int port)
    {
        _listener.Start();
        _accepting = AcceptAsync(host, port);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private async Task AcceptAsync(string host, int port)
    {
        try
        {
            while (!_cut.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_cut.Token);
                var server = new TcpClient();
                await server.ConnectAsync(host, port, _cut.Token);
                lock (_open) _open.AddRange([client, server]);
                _ = PumpAsync(client.GetStream(), server.GetStream());
                _ = PumpAsync(server.GetStream(), client.GetStream());
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        try
        {
            await from.CopyToAsync(to, _cut.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Drops every relayed connection and refuses new ones.</summary>
    public async Task CutAsync()
    {
        await _cut.CancelAsync();
        _listener.Stop();
        lock (_open)
        {
            foreach (var c in _open) c.Dispose();
            _open.Clear();
        }
        await _accepting;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_cut.IsCancellationRequested) await CutAsync();
        _cut.Dispose();
    }
}
