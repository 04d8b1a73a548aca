using System.Diagnostics;
using System.Text.Json;

namespace Digest.IntegrationTests.Infrastructure;

public enum RelayTls { None, StartTls, Implicit }

/// <summary>What the TLS relay recorded for one message it took.</summary>
public sealed record RelayedMail(string MailFrom, IReadOnlyList<string> MailOptions, IReadOnlyList<string> Recipients, bool Tls, bool Authenticated, string Source);

/// <summary>
/// An SMTP relay that speaks STARTTLS or implicit TLS, AUTH and SMTPUTF8, as a real provider's does: Debian's
/// aiosmtpd (python3-aiosmtpd, installed by the test command) with a throwaway self-signed certificate. Records every
/// message with its envelope, and every AUTH attempt, in its own folder.
/// </summary>
public sealed class TlsSmtpServer : IDisposable
{
    public const string User = "digest";
    public const string Password = "s3cret-pass";

    private readonly Process _process;

    private TlsSmtpServer(Process process, int port, string folder)
    {
        _process = process;
        Port = port;
        Folder = folder;
    }

    public int Port { get; }

    public string Folder { get; }

    /// <summary>The server's certificate, for Smtp:TrustedCertificateFile.</summary>
    public string CertificateFile => Path.Combine(Folder, "cert.pem");

    /// <param name="tls">
    /// StartTls: offers STARTTLS and wants it before AUTH and mail; Implicit: TLS from the first byte (port 465 style);
    /// None: no TLS at all, AUTH offered in clear (to see what a client sends there).
    /// </param>
    /// <param name="smtpUtf8">Offer SMTPUTF8.</param>
    /// <param name="refuseData">A reply to give at the end of DATA instead of taking the message, e.g. "550 5.1.1 No such user".</param>
    /// <param name="refuseSendersAt">
    /// A domain whose senders MAIL FROM refuses, as a provider's relay refuses a return path the account may not use.
    /// </param>
    public static TlsSmtpServer Start(RelayTls tls = RelayTls.StartTls, bool smtpUtf8 = true, string? refuseData = null, string? refuseSendersAt = null)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "digest-tls-smtp-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        Run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", Path.Combine(folder, "key.pem"),
            "-out", Path.Combine(folder, "cert.pem"), "-days", "30", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        var port = FreePort.Next();
        var config = Path.Combine(folder, "config.json");
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            folder, port, user = User, password = Password, tls = tls.ToString().ToLowerInvariant(),
            smtputf8 = smtpUtf8, refuse_data = refuseData, refuse_senders_at = refuseSendersAt,
        }));
        var script = Path.Combine(folder, "relay.py");
        File.WriteAllText(script, Script);
        var psi = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(config);
        var process = Process.Start(psi)!;
        var errors = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { lock (errors) errors.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Watchdog.AfterExit($"kill {process.Id} 2>/dev/null");
        var server = new TlsSmtpServer(process, port, folder);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!File.Exists(Path.Combine(folder, "ready")))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                server.Dispose();
                lock (errors) throw new InvalidOperationException($"aiosmtpd did not start: {errors}");
            }
            Thread.Sleep(50);
        }
        return server;
    }

    /// <summary>Every message the relay took, oldest first.</summary>
    public IReadOnlyList<RelayedMail> Received() =>
        Directory.EnumerateFiles(Folder, "mail-*.json").Order(StringComparer.Ordinal).Select(f =>
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(f));
            var r = doc.RootElement;
            return new RelayedMail(
                r.GetProperty("mail_from").GetString()!,
                r.GetProperty("mail_options").EnumerateArray().Select(o => o.GetString()!).ToList(),
                r.GetProperty("rcpt_tos").EnumerateArray().Select(o => o.GetString()!).ToList(),
                r.GetProperty("tls").GetBoolean(),
                r.GetProperty("authenticated").GetBoolean(),
                File.ReadAllText(Path.ChangeExtension(f, ".eml")));
        }).ToList();

    /// <summary>The AUTH mechanisms clients tried, one line per attempt that reached the password check.</summary>
    public IReadOnlyList<string> AuthAttempts()
    {
        var log = Path.Combine(Folder, "auth.log");
        return File.Exists(log) ? File.ReadAllLines(log) : [];
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {error.Result}");
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(5_000);
        _process.Dispose();
        Directory.Delete(Folder, recursive: true);
    }

    // The relay. Traps (see the toolchain notes): a failing authenticator must say handled=False or the client hangs;
    // aiosmtpd takes a non-ASCII RCPT even without SMTPUTF8, so tests look at the recorded MAIL options.
    private const string Script = """
        import json, logging, pathlib, ssl, sys, threading, time, warnings
        warnings.filterwarnings("ignore")
        logging.disable(logging.CRITICAL)
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        cfg = json.load(open(sys.argv[1]))
        out = pathlib.Path(cfg["folder"])
        lock = threading.Lock()

        def authenticator(server, session, envelope, mechanism, auth_data):
            with lock, open(out / "auth.log", "a") as log:
                log.write(mechanism + "\n")
            ok = (isinstance(auth_data, LoginPassword) and auth_data.login == cfg["user"].encode()
                  and auth_data.password == cfg["password"].encode())
            return AuthResult(success=True) if ok else AuthResult(success=False, handled=False)

        class Handler:
            async def handle_MAIL(self, server, session, envelope, address, mail_options):
                if cfg["refuse_senders_at"] and address.lower().endswith("@" + cfg["refuse_senders_at"]):
                    return "553 5.7.1 <" + address + ">: Sender address rejected: not owned by user " + cfg["user"]
                envelope.mail_from = address
                envelope.mail_options.extend(mail_options)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                if cfg["refuse_data"]:
                    return cfg["refuse_data"]
                name = "mail-" + str(time.time_ns())
                tls = session.ssl is not None or server.transport.get_extra_info("sslcontext") is not None
                record = {"mail_from": envelope.mail_from, "mail_options": envelope.mail_options,
                          "rcpt_tos": envelope.rcpt_tos, "tls": tls, "authenticated": bool(session.authenticated)}
                (out / (name + ".eml")).write_bytes(envelope.original_content)
                (out / (name + ".json")).write_text(json.dumps(record))
                return "250 2.0.0 OK"

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(out / "cert.pem"), str(out / "key.pem"))
        # aiosmtpd 1.4 counts only STARTTLS as TLS for auth_require_tls: implicit TLS needs it off (it is TLS anyway).
        secure = cfg["tls"] != "none"
        common = dict(hostname="127.0.0.1", port=cfg["port"], authenticator=authenticator,
                      auth_require_tls=cfg["tls"] == "starttls", auth_required=secure,
                      enable_SMTPUTF8=cfg["smtputf8"], decode_data=False)
        if cfg["tls"] == "implicit":
            controller = Controller(Handler(), ssl_context=context, **common)
        elif cfg["tls"] == "starttls":
            controller = Controller(Handler(), tls_context=context, require_starttls=True, **common)
        else:
            controller = Controller(Handler(), **common)
        controller.start()
        (out / "ready").write_text("ready")
        threading.Event().wait()
        """;
}
