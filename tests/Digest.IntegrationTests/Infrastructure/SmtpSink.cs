using System.Diagnostics;

namespace Digest.IntegrationTests.Infrastructure;

/// <summary>
/// Postfix's smtp-sink on a loopback port: a real SMTP server that accepts (or refuses, as told) and
/// optionally keeps each message as a file. Fast enough for throughput runs; scriptable for failures.
/// </summary>
public sealed class SmtpSink : IDisposable
{
    private readonly Process _process;

    private SmtpSink(Process process, int port, string? folder)
    {
        _process = process;
        Port = port;
        Folder = folder;
    }

    public int Port { get; }

    /// <summary>Where received messages are kept, when asked for.</summary>
    public string? Folder { get; }

    /// <param name="port">0 for a free port.</param>
    /// <param name="options">smtp-sink options, e.g. "-f", "RCPT" to refuse every recipient with a 5xx.</param>
    /// <param name="keep">Keep each message as a file in <see cref="Folder"/>.</param>
    public static SmtpSink Start(int port = 0, bool keep = false, params string[] options)
    {
        var path = new[] { "/usr/sbin/smtp-sink", "/usr/bin/smtp-sink" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("smtp-sink not found: install Debian's postfix package (the test command does).");
        if (port == 0) port = FreePort.Next();
        string? folder = null;
        var psi = new ProcessStartInfo(path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Environment.UserName == "root") { psi.ArgumentList.Add("-u"); psi.ArgumentList.Add("nobody"); }
        if (keep)
        {
            folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "digest-sink-" + Guid.NewGuid().ToString("N")[..8])).FullName;
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);
            psi.ArgumentList.Add("-d");
            psi.ArgumentList.Add(folder + "/%H%M%S.");
        }
        foreach (var o in options) psi.ArgumentList.Add(o);
        psi.ArgumentList.Add($"127.0.0.1:{port}");
        psi.ArgumentList.Add("100");
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Watchdog.AfterExit($"kill {process.Id} 2>/dev/null");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!Listening(port))
        {
            if (process.HasExited) throw new InvalidOperationException($"smtp-sink exited with code {process.ExitCode}.");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("smtp-sink did not start.");
            Thread.Sleep(50);
        }
        return new SmtpSink(process, port, folder);
    }

    /// <summary>The recipient of each kept message, one entry per message received.</summary>
    public IReadOnlyList<string> Recipients() =>
        Folder is null ? [] : Directory.EnumerateFiles(Folder)
            .Select(f => File.ReadLines(f).FirstOrDefault(l => l.StartsWith("X-Rcpt-Args:", StringComparison.Ordinal)))
            .Where(l => l is not null)
            .Select(l => l!["X-Rcpt-Args:".Length..].Trim().Trim('<', '>'))
            .ToList();

    private static bool Listening(int port)
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(5_000);
        _process.Dispose();
        if (Folder is not null) Directory.Delete(Folder, recursive: true);
    }
}
