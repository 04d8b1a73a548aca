using System.Diagnostics;

namespace Digest.IntegrationTests.Infrastructure;

/// <summary>
/// Cleans up after the test process however it ends. A test host can be killed without running its exit
/// handlers, which would leave a PostgreSQL cluster or a maildev running; a small shell loop outside the
/// process waits for it to be gone and then runs the cleanup command.
/// </summary>
public static class Watchdog
{
    public static void AfterExit(string shellCommand)
    {
        var parent = Environment.ProcessId;
        var psi = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "bash", "-c", $"exec </dev/null >/dev/null 2>&1; while kill -0 {parent}; do sleep 1; done; {shellCommand}" })
            psi.ArgumentList.Add(a);
        Process.Start(psi)?.Dispose();
    }

    public static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
