using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Serialization;

namespace Digest.IntegrationTests.Infrastructure;

/// <summary>A message as maildev received it: parsed parts, headers, and the raw source.</summary>
public sealed record ReceivedMail(string Id, string Subject, string Text, string Html, Dictionary<string, string> Headers, string Source)
{
    public string Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : "";
}

/// <summary>
/// A real SMTP server for the test run: maildev from deploy/local (installed by the test command),
/// started once on free ports. Tests tell their mail apart by recipient address.
/// </summary>
public static class TestMailServer
{
    private static readonly Lazy<Task<(int Smtp, HttpClient Api)>> Server = new(() => StartAsync([]));

    public static async Task<int> SmtpPortAsync() => (await Server.Value).Smtp;

    /// <summary>Waits until <paramref name="count"/> messages to <paramref name="recipient"/> are there, or the timeout passes.</summary>
    public static async Task<IReadOnlyList<ReceivedMail>> WaitForAsync(string recipient, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var found = await ForAsync(recipient);
            if (found.Count >= count || DateTime.UtcNow > deadline) return found;
            await Task.Delay(200);
        }
    }

    /// <summary>All messages to one address, oldest first.</summary>
    public static async Task<IReadOnlyList<ReceivedMail>> ForAsync(string recipient)
    {
        var api = (await Server.Value).Api;
        var all = await api.GetFromJsonAsync<List<MaildevEmail>>("email") ?? [];
        var result = new List<ReceivedMail>();
        foreach (var m in all.Where(m => m.To.Any(t => string.Equals(t.Address, recipient, StringComparison.OrdinalIgnoreCase))))
        {
            var source = await api.GetStringAsync($"email/{m.Id}/source");
            result.Add(new ReceivedMail(m.Id, m.Subject ?? "", m.Text ?? "", m.Html ?? "", HeadersOf(source), source));
        }
        return result;
    }

    /// <summary>The top-level headers of a raw message as the server stored it, unfolded; the first of each name.</summary>
    private static Dictionary<string, string> HeadersOf(string source)
    {
        var headers = new Dictionary<string, string>();
        var head = source.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", 2)[0];
        foreach (var line in head.Replace("\n ", " ", StringComparison.Ordinal).Replace("\n\t", " ", StringComparison.Ordinal).Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0) headers.TryAdd(line[..colon].Trim().ToLowerInvariant(), line[(colon + 1)..].Trim());
        }
        return headers;
    }

    /// <summary>A maildev of a test's own, e.g. one that requires AUTH; returns its SMTP port and API client.</summary>
    public static Task<(int Smtp, HttpClient Api)> StartPrivateAsync(params string[] options) => StartAsync(options);

    private static async Task<(int, HttpClient)> StartAsync(string[] extra)
    {
        var maildev = RepoPaths.Of("deploy", "local", "node_modules", ".bin", "maildev");
        if (!File.Exists(maildev))
            throw new InvalidOperationException($"maildev is not installed at {maildev}: run the README's test command (it installs it), or `npm ci` in deploy/local.");
        var smtp = FreePort.Next();
        var web = FreePort.Next();
        // maildev runs under a shell loop that ends it when this test process is gone, however it ends. Nothing else
        // ends it: killing a process tree stops each process first, and one the test host leaves stopped on its way out
        // outlives every later signal.
        var parent = Environment.ProcessId;
        var psi = new ProcessStartInfo("bash")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var script = $"exec </dev/null; \"$0\" \"$@\" & child=$!; while kill -0 {parent} 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done; kill $child 2>/dev/null; kill -CONT $child 2>/dev/null";
        foreach (var a in new[] { "-c", script, maildev, "--smtp", $"{smtp}", "--web", $"{web}", "--ip", "127.0.0.1", "--web-ip", "127.0.0.1", "--silent" }.Concat(extra))
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start maildev.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{web}/api/") };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await Answers(smtp) || !await ApiAnswers(api))
        {
            if (process.HasExited) throw new InvalidOperationException($"maildev exited with code {process.ExitCode}.");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("maildev did not start within 30 s.");
            await Task.Delay(100);
        }
        return (smtp, api);
    }

    private static async Task<bool> Answers(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<bool> ApiAnswers(HttpClient api)
    {
        try
        {
            return (await api.GetAsync("email")).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private sealed class MaildevEmail
    {
        [JsonPropertyName("id")] public string Id { get; set; } = "";
        [JsonPropertyName("subject")] public string? Subject { get; set; }
        [JsonPropertyName("text")] public string? Text { get; set; }
        [JsonPropertyName("html")] public string? Html { get; set; }
        [JsonPropertyName("to")] public List<MaildevAddress> To { get; set; } = [];
    }

    private sealed class MaildevAddress
    {
        [JsonPropertyName("address")] public string Address { get; set; } = "";
    }
}
