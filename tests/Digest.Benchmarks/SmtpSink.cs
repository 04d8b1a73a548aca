using System.Diagnostics;
using Digest.Data;

namespace Digest.Benchmarks;

/// <summary>Postfix's smtp-sink on a free loopback port: a real SMTP server that accepts and discards, very fast.</summary>
public sealed class SmtpSink : IDisposable
{
    private readonly Process _process;

    private SmtpSink(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static SmtpSink Start()
    {
        var path = new[] { "/usr/sbin/smtp-sink", "/usr/bin/smtp-sink" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("smtp-sink not found: install Debian's postfix package (deploy/bench.sh does).");
        var port = LocalPostgres.FreePort();
        var psi = new ProcessStartInfo(path) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Environment.UserName == "root") { psi.ArgumentList.Add("-u"); psi.ArgumentList.Add("nobody"); }
        foreach (var a in new[] { $"127.0.0.1:{port}", "1000" }) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Thread.Sleep(300);
        if (process.HasExited) throw new InvalidOperationException($"smtp-sink exited with code {process.ExitCode}.");
        return new SmtpSink(process, port);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
