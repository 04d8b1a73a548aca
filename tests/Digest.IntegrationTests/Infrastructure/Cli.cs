using System.Diagnostics;

namespace Digest.IntegrationTests.Infrastructure;

public sealed record CliResult(int ExitCode, string Output, string Error);

/// <summary>Runs the real `digest` program (built beside the tests) as a separate process, configured through environment variables.</summary>
public static class Cli
{
    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string?> settings, params string[] args)
    {
        using var process = Start(settings, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await output, await error);
    }

    /// <summary>Starts the program and leaves it running: for tests that stop it the hard way.</summary>
    public static Process Start(IReadOnlyDictionary<string, string?> settings, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "digest.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (key, value) in settings) psi.Environment["DIGEST_" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        return Process.Start(psi)!;
    }
}
