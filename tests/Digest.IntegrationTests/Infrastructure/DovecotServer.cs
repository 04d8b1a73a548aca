using System.Diagnostics;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;

namespace Digest.IntegrationTests.Infrastructure;

/// <summary>
/// A bounce mailbox on Debian's Dovecot (dovecot-imapd, installed by the test command), started in the foreground
/// on a free port with a self-contained configuration and a throwaway maildir: nothing from /etc/dovecot, no
/// system service. Can be restarted on the same port and maildir, as a server restart would be.
/// </summary>
public sealed class DovecotServer : IDisposable
{
    public const string User = "bounces@digest.test";
    public const string Password = "imap-secret";

    private Process? _process;

    private DovecotServer(string folder, int port)
    {
        Folder = folder;
        Port = port;
    }

    /// <summary>Short on purpose: Dovecot's sockets live under it and a Unix socket path has a length limit.</summary>
    public string Folder { get; }

    public int Port { get; }

    public static DovecotServer Start()
    {
        var folder = Directory.CreateDirectory(Path.Combine("/tmp", "dv-" + Guid.NewGuid().ToString("N")[..10])).FullName;
        var server = new DovecotServer(folder, FreePort.Next());
        Directory.CreateDirectory(Path.Combine(folder, "run"));
        Directory.CreateDirectory(Path.Combine(folder, "mail"));
        File.WriteAllText(Path.Combine(folder, "users"), $"{User}:{{PLAIN}}{Password}\n");
        File.WriteAllText(Path.Combine(folder, "dovecot.conf"), server.Config());
        // Mail cannot be accessed as root: the mailbox belongs to nobody.
        if (Environment.UserName == "root") Run("chown", "-R", "nobody:nogroup", Path.Combine(folder, "mail"));
        server.Launch();
        return server;
    }

    private string Config()
    {
        var mailUser = Environment.UserName == "root" ? "mail_uid = nobody\nmail_gid = nogroup\n" : "";
        return $$"""
            base_dir = {{Folder}}/run
            state_dir = {{Folder}}/run
            log_path = {{Folder}}/dovecot.log
            protocols = imap
            listen = 127.0.0.1
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            ssl = no
            passdb {
              driver = passwd-file
              args = {{Folder}}/users
            }
            userdb {
              driver = static
              args = home={{Folder}}/mail/%u
            }
            mail_location = maildir:{{Folder}}/mail/%u
            {{mailUser}}
            service imap-login {
              inet_listener imap {
                port = {{Port}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            """;
    }

    private void Launch()
    {
        // In a process group of its own, so a stop reaches the sessions' processes too, as a machine's restart would.
        var psi = new ProcessStartInfo("setsid") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "dovecot", "-F", "-c", Path.Combine(Folder, "dovecot.conf") }) psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // SIGTERM, not SIGKILL: Dovecot's children leave with their master only then.
        Watchdog.AfterExit($"kill -TERM -- -{_process.Id} 2>/dev/null");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                probe.Connect("127.0.0.1", Port);
                return;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                Thread.Sleep(50);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                var log = Path.Combine(Folder, "dovecot.log");
                throw new InvalidOperationException($"Dovecot did not start (exit {(_process.HasExited ? _process.ExitCode : -1)}): {(File.Exists(log) ? File.ReadAllText(log) : e.Message)}");
            }
        }
    }

    /// <summary>Stops Dovecot as SIGTERM does and starts it again on the same port and maildir.</summary>
    public void Restart()
    {
        Stop();
        Launch();
    }

    private void Stop()
    {
        if (_process is null) return;
        if (!_process.HasExited) Run("kill", "-TERM", "--", "-" + _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _process.WaitForExit(10_000);
        // Until the last session's process has gone, the port may still be taken.
        for (var i = 0; i < 100 && Run("kill", "-0", "--", "-" + _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)) == 0; i++) Thread.Sleep(50);
        _process.Dispose();
        _process = null;
    }

    /// <summary>Settings for the bounce mailbox job.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Bounces:Imap:Host"] = "127.0.0.1",
        ["Bounces:Imap:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Bounces:Imap:Security"] = "None",
        ["Bounces:Imap:User"] = User,
        ["Bounces:Imap:Password"] = Password,
    };

    /// <summary>A client of our own, as a mail system delivering bounces (APPEND) and a person looking (counts).</summary>
    public async Task<ImapClient> ConnectAsync()
    {
        var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(User, Password);
        return client;
    }

    public async Task AppendAsync(string folder, params byte[][] messages)
    {
        using var client = await ConnectAsync();
        var target = await FolderAsync(client, folder);
        foreach (var raw in messages)
        {
            using var stream = new MemoryStream(raw);
            await target.AppendAsync(await MimeMessage.LoadAsync(stream), MessageFlags.None);
        }
        await client.DisconnectAsync(true);
    }

    /// <summary>How many messages each folder holds (a folder not made yet holds none).</summary>
    public async Task<int> CountAsync(string folder)
    {
        using var client = await ConnectAsync();
        try
        {
            var f = await client.GetFolderAsync(folder);
            await f.OpenAsync(FolderAccess.ReadOnly);
            return (await f.SearchAsync(SearchQuery.All)).Count;
        }
        catch (FolderNotFoundException)
        {
            return 0;
        }
    }

    /// <summary>The subjects in a folder, for assertions a person would make by looking.</summary>
    public async Task<List<string>> SubjectsAsync(string folder)
    {
        using var client = await ConnectAsync();
        var f = await client.GetFolderAsync(folder);
        await f.OpenAsync(FolderAccess.ReadOnly);
        var all = await f.SearchAsync(SearchQuery.All);
        if (all.Count == 0) return [];
        return (await f.FetchAsync(all, MessageSummaryItems.Envelope)).Select(s => s.Envelope?.Subject ?? "").ToList();
    }

    private static async Task<IMailFolder> FolderAsync(ImapClient client, string name)
    {
        try
        {
            return await client.GetFolderAsync(name);
        }
        catch (FolderNotFoundException)
        {
            return await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync(name, true) ?? throw new FolderNotFoundException(name);
        }
    }

    private static int Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode;
    }

    public void Dispose()
    {
        Stop();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
