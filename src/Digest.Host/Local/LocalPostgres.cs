using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Digest.Host.Local;

/// <summary>
/// A private PostgreSQL cluster in a folder of ours, for running and testing without a configured server.
/// It uses the machine's PostgreSQL binaries. PostgreSQL refuses to run as root, so as root the cluster
/// belongs to the 'postgres' user and commands run through runuser. It listens on 127.0.0.1 only and
/// trusts local connections: a cluster for one machine's development and tests, never for production.
/// </summary>
public sealed partial class LocalPostgres
{
    private readonly string _dataDirectory;
    private readonly string _binDirectory;
    private readonly bool _asPostgresUser;

    public LocalPostgres(string dataDirectory)
    {
        _binDirectory = FindBinDirectory();
        _asPostgresUser = Environment.UserName == "root";
        _dataDirectory = Path.GetFullPath(dataDirectory);
    }

    public string DataDirectory => _dataDirectory;

    /// <summary>
    /// The folder to use for a cluster wanted at <paramref name="preferred"/>. As root, the cluster's files
    /// belong to 'postgres', who must be able to reach them: when a folder above is closed to other users
    /// (a checkout under /root, a private temp folder), the cluster goes to /var/tmp/digest-HASH instead.
    /// </summary>
    public static string ChooseDirectory(string preferred)
    {
        var full = Path.GetFullPath(preferred);
        if (Environment.UserName != "root" || ReachableByOthers(full)) return full;
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(full)))[..12].ToLowerInvariant();
        return Path.Combine("/var/tmp", $"digest-{hash}", Path.GetFileName(full));
    }

    private static bool ReachableByOthers(string path)
    {
        if (OperatingSystem.IsWindows()) return true;
        for (var dir = Path.GetDirectoryName(path); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if (!Directory.Exists(dir)) continue;
            if ((File.GetUnixFileMode(dir) & UnixFileMode.OtherExecute) == 0) return false;
        }
        return true;
    }

    /// <summary>Creates the cluster if there is none, starts it if it is stopped, and returns its connection string.</summary>
    public async Task<string> EnsureStartedAsync(bool durable, CancellationToken ct = default)
    {
        var pgData = Path.Combine(_dataDirectory, "data");
        if (!File.Exists(Path.Combine(pgData, "PG_VERSION")))
            await InitAsync(pgData, durable, ct);
        var port = ReadPort(pgData);
        if (!await IsRunningAsync(pgData, ct))
        {
            await RunAsync("pg_ctl", ["-D", pgData, "-l", Path.Combine(_dataDirectory, "postgres.log"), "-w", "-t", "60", "start"], ct);
        }
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Include Error Detail=true";
    }

    public async Task StopAsync(CancellationToken ct = default)
    {
        var pgData = Path.Combine(_dataDirectory, "data");
        if (File.Exists(Path.Combine(pgData, "PG_VERSION")) && await IsRunningAsync(pgData, ct))
            await RunAsync("pg_ctl", ["-D", pgData, "-m", "fast", "-w", "stop"], ct);
    }

    /// <summary>The command line that stops this cluster at once, for cleanup outside this process.</summary>
    public IReadOnlyList<string> ImmediateStopCommand()
    {
        string[] stop = [Path.Combine(_binDirectory, "pg_ctl"), "-D", Path.Combine(_dataDirectory, "data"), "-m", "immediate", "stop"];
        return _asPostgresUser ? ["runuser", "-u", "postgres", "--", .. stop] : stop;
    }

    private async Task InitAsync(string pgData, bool durable, CancellationToken ct)
    {
        Directory.CreateDirectory(_dataDirectory);
        if (_asPostgresUser)
        {
            await Exec("chown", ["postgres:postgres", _dataDirectory], ct);
            await Exec("runuser", ["-u", "postgres", "--", "test", "-w", _dataDirectory], ct,
                $"The 'postgres' user cannot write to {_dataDirectory}. " +
                "Set Database:LocalDirectory to a folder it can reach, or configure Database:ConnectionString.");
        }
        await RunAsync("initdb", ["-D", pgData, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], ct);
        var port = FreePort();
        var settings = new List<string>
        {
            "",
            "# Written by Digest for its private cluster.",
            $"port = {port}",
            "listen_addresses = '127.0.0.1'",
            $"unix_socket_directories = '{pgData}'",
            // A test cluster serves tests side by side, several of which start three worker processes (each with two
            // Hangfire servers: jobs, and shards on the planning queue).
            $"max_connections = {(durable ? 200 : 400)}",
        };
        // Test clusters trade durability for speed: a crash loses only throwaway data.
        if (!durable) settings.AddRange(["fsync = off", "synchronous_commit = off", "full_page_writes = off"]);
        await File.AppendAllLinesAsync(Path.Combine(pgData, "postgresql.conf"), settings, ct);
    }

    private async Task<bool> IsRunningAsync(string pgData, CancellationToken ct)
    {
        var (code, _) = await TryRunAsync("pg_ctl", ["-D", pgData, "status"], ct);
        return code == 0;
    }

    private static int ReadPort(string pgData)
    {
        var conf = File.ReadAllText(Path.Combine(pgData, "postgresql.conf"));
        var matches = PortSetting().Matches(conf);
        if (matches.Count == 0) throw new InvalidOperationException($"No port setting in {pgData}/postgresql.conf.");
        return int.Parse(matches[^1].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task RunAsync(string tool, string[] args, CancellationToken ct)
    {
        var (code, output) = await TryRunAsync(tool, args, ct);
        if (code != 0)
            throw new InvalidOperationException($"{tool} failed with exit code {code}: {output.Trim()}");
    }

    private Task<(int Code, string Output)> TryRunAsync(string tool, string[] args, CancellationToken ct)
    {
        var path = Path.Combine(_binDirectory, tool);
        return _asPostgresUser
            ? Capture("runuser", ["-u", "postgres", "--", path, .. args], ct)
            : Capture(path, args, ct);
    }

    private static async Task Exec(string file, string[] args, CancellationToken ct, string? failure = null)
    {
        var (code, output) = await Capture(file, args, ct);
        if (code != 0) throw new InvalidOperationException(failure ?? $"{file} failed: {output.Trim()}");
    }

    private static async Task<(int, string)> Capture(string file, string[] args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        // pg_ctl start leaves the server running with our pipes inherited: read only until the tool exits.
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var output = await Finished(stdout) + await Finished(stderr);
        return (process.ExitCode, output);
    }

    private static async Task<string> Finished(Task<string> read) =>
        await Task.WhenAny(read, Task.Delay(500)) == read ? await read : "";

    /// <summary>The PostgreSQL server binaries: the newest under /usr/lib/postgresql, else pg_config's bindir.</summary>
    public static string FindBinDirectory()
    {
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault();
            if (newest is not null) return newest;
        }
        var bindir = PgConfigBinDir();
        if (bindir is not null && File.Exists(Path.Combine(bindir, "initdb"))) return bindir;
        throw new InvalidOperationException(
            "No PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin and pg_config --bindir). " +
            "Install PostgreSQL (Debian: apt-get install postgresql) or configure Database:ConnectionString.");
    }

    // Synchronous on purpose: it runs once, in the constructor, before anything asynchronous has started.
    private static string? PgConfigBinDir()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pg_config", "--bindir") { RedirectStandardOutput = true, UseShellExecute = false });
            if (process is null) return null;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no pg_config on the PATH
        }
    }

    [GeneratedRegex(@"(?m)^port\s*=\s*(\d+)")]
    private static partial Regex PortSetting();
}
