using System.Diagnostics;
using Dapper;
using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.Host.Options;
using Digest.Host.Startup;
using Digest.IntegrationTests.Infrastructure;
using Digest.Mail.Rendering;
using Digest.Mail.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Digest.Benchmarks.Delivery;

/// <summary>
/// The output side: 100,000 due digests of 10 items each, rendered and handed to a local SMTP sink by the
/// real sender (claim, re-check, compose, render, send, commit). Prints renders/s and messages/s, and the MailKit
/// transport alone (pooled and on one connection) beside Python's smtplib, measured on slices in the same run.
/// Options: --digests N (default 100000; 0: only the render figures), --renders N (default: as many as digests,
/// at least 100000), --slice N (default 2000), --pool N (SMTP connections, default 8).
/// </summary>
public sealed class DeliverBenchmark : IBenchmark
{
    public string Name => "deliver";

    public string Description => "render and send due digests to smtp-sink (targets: 20,000 renders/s, sender 1,400 and pooled transport 2,500 messages/s)";

    public async Task RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var digests = context.Option("--digests", 100_000);
        var slice = context.Option("--slice", 2_000);
        var renders = context.Option("--renders", Math.Max(digests, 100_000));
        using var sink = SmtpSink.Start();
        Directory.CreateDirectory(context.Folder);
        var settings = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = context.ConnectionString,
            ["Smtp:Port"] = sink.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:PoolSize"] = context.Option("--pool", 8).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Delivery:BatchSize"] = "200",
            ["Ingest:InboxDirectory"] = "",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        using var host = await DigestHost.BuildCliAsync(settings, ct);

        // The transport first, on a small heap: after the render runs the collector's work would be counted as its own.
        var sample = await SampleMessageAsync(host, ct);
        await TransportFiguresAsync(context, host, sink.Port, sample, slice, ct);

        RenderRate.Measure(context, host.Services.GetRequiredService<IOptions<TemplateOptions>>().Value.Resolve(), renders);
        if (digests == 0) return;

        var watch = Stopwatch.StartNew();
        await SeedAsync(context.ConnectionString, digests, ct);
        context.Report("seeded due digests", $"{digests:N0} × 10 items in {watch.Elapsed.TotalSeconds:0.0} s");
        await BatchReadFiguresAsync(context, host, ct);

        watch.Restart();
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var summary = await host.Services.GetRequiredService<DigestSender>().SendDueAsync(ct);
        var seconds = watch.Elapsed.TotalSeconds;
        process.Refresh();
        var cpuMs = (process.TotalProcessorTime - cpu).TotalMilliseconds / Math.Max(1, summary.Sent);
        context.Report("sent by the sender (claim → commit)", $"{summary.Sent:N0} in {seconds:0.0} s = {summary.Sent / seconds:N0} messages/s ({cpuMs:0.00} ms of processor time each in this process)");
        context.Report("failed / retrying", $"{summary.Failed} / {summary.Retrying}");
        context.Report("peak working set", $"{process.PeakWorkingSet64 / 1048576:N0} MB");
    }

    /// <summary>
    /// Reading claimed batches as the sender does, read-only, on the same digests twice: each batch cutting its own
    /// snippets, then with one run's snippets reused from batch to batch (what the sender does).
    /// </summary>
    private static async Task BatchReadFiguresAsync(BenchmarkContext context, IHost host, CancellationToken ct)
    {
        var repository = host.Services.GetRequiredService<DigestRepository>();
        var batchSize = host.Services.GetRequiredService<DeliverySettings>().BatchSize;
        List<ClaimedDigest> all;
        await using (var db = new NpgsqlConnection(context.ConnectionString))
            all = (await db.QueryAsync<ClaimedDigest>(
                "SELECT id, subscriber_id, period, attempts, due_at FROM digests ORDER BY id LIMIT 20 * @batchSize", new { batchSize })).ToList();
        var batches = all.Chunk(batchSize).ToList();
        await repository.LoadBatchAsync(batches[0], null, ct);
        var alone = Stopwatch.StartNew();
        foreach (var batch in batches) await repository.LoadBatchAsync(batch, new SnippetCache(), ct);
        var aloneMs = alone.Elapsed.TotalMilliseconds / batches.Count;
        var shared = new SnippetCache();
        var reused = Stopwatch.StartNew();
        foreach (var batch in batches) await repository.LoadBatchAsync(batch, shared, ct);
        var reusedMs = reused.Elapsed.TotalMilliseconds / batches.Count;
        context.Report($"reading a batch of {batchSize}, snippets cut per batch", $"{aloneMs:N0} ms");
        context.Report("  with the run's snippets reused", $"{reusedMs:N0} ms ({aloneMs / reusedMs:0.0}× faster; {shared.Count:N0} snippets cut for {batches.Count} batches)");
    }

    private static async Task<EmailMessage> SampleMessageAsync(IHost host, CancellationToken ct)
    {
        var rendered = host.Services.GetRequiredService<DigestRenderer>().Render(RenderRate.Digest(1));
        await Task.CompletedTask;
        return OutgoingMessage.Build(rendered, "reader@example.org", "<bench@digest.test>", DateTimeOffset.UtcNow,
            "https://digest.test/unsubscribe/x", new SenderIdentity("digest@digest.test", "Digest", "Digest <digest.test>", null));
    }

    /// <summary>
    /// The transport alone, pooled as the sender uses it and on one connection, beside Python's smtplib sending the
    /// same messages (MimeKit's bytes) over one connection to the same sink.
    /// </summary>
    private static async Task TransportFiguresAsync(BenchmarkContext context, IHost host, int port, EmailMessage sample, int slice, CancellationToken ct)
    {
        var pooledTransport = host.Services.GetRequiredService<IMailTransport>();
        var pool = host.Services.GetRequiredService<IOptions<SmtpOptions>>().Value.PoolSize;
        // The first messages run the JIT's first-tier and then its instrumented code (dynamic PGO), which costs about
        // three times the processor time of the final code; the final code arrives after some thousands of messages
        // and seconds. So: the first pass is shown apart, passes repeat for at least WarmUp and until the processor time
        // per message stops falling, and the figure is the pass after that.
        var first = await TransportPassAsync(pooledTransport, sample, slice, pool, ct);
        var warming = Stopwatch.StartNew();
        var pooled = first;
        for (var pass = 0; pass < 20; pass++)
        {
            var next = await TransportPassAsync(pooledTransport, sample, slice, pool, ct);
            var settled = next.CpuMs > pooled.CpuMs * 0.95 && warming.Elapsed > WarmUp;
            pooled = next;
            if (settled) break;
        }
        pooled = await TransportPassAsync(pooledTransport, sample, slice, pool, ct);
        double single;
        await using (var one = new SmtpTransport(new SmtpOptions { Port = port, PoolSize = 1, Security = MailKit.Security.SecureSocketOptions.None }, "bench"))
        {
            await TransportRateAsync(one, sample, 100, 1, ct);
            single = await TransportRateAsync(one, sample, slice / 2, 1, ct);
        }
        var python = await SmtplibRateAsync(context.Folder, port, sample, slice / 2, ct);
        context.Report($"transport only, MailKit, {pool} pooled connections", $"{pooled.Rate:N0} messages/s ({pooled.CpuMs:0.00} ms of processor time each)");
        context.Report("  its first pass (JIT not settled yet)", $"{first.Rate:N0} messages/s ({first.CpuMs:0.00} ms of processor time each)");
        context.Report("transport only, MailKit, one connection", $"{single:N0} messages/s");
        context.Report("transport only, Python smtplib, one connection", $"{python:N0} messages/s (MailKit one connection is {single / python:0.00}×, pooled {pooled.Rate / python:0.0}×)");
    }

    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(15);

    private static async Task<double> SmtplibRateAsync(string folder, int port, EmailMessage sample, int count, CancellationToken ct)
    {
        var messages = Directory.CreateDirectory(Path.Combine(folder, "eml")).FullName;
        for (var i = 0; i < count; i++)
            await MimeBuilder.Build(sample with { To = $"r{i}@example.org" }).WriteToAsync(Path.Combine(messages, $"{i:D6}.eml"), ct);
        var script = Path.Combine(folder, "smtplib_send.py");
        await File.WriteAllTextAsync(script, """
            import smtplib, sys, time, pathlib
            folder, port = sys.argv[1], int(sys.argv[2])
            messages = [p.read_bytes() for p in sorted(pathlib.Path(folder).glob("*.eml"))]
            with smtplib.SMTP("127.0.0.1", port) as smtp:
                smtp.ehlo("bench")
                started = time.perf_counter()
                for i, message in enumerate(messages):
                    smtp.sendmail("digest@digest.test", [f"r{i}@example.org"], message)
                seconds = time.perf_counter() - started
            print(len(messages) / seconds)
            """, ct);
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { script, messages, port.ToString(System.Globalization.CultureInfo.InvariantCulture) }) psi.ArgumentList.Add(a);
        using var python = Process.Start(psi)!;
        var output = await python.StandardOutput.ReadToEndAsync(ct);
        await python.WaitForExitAsync(ct);
        return double.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// One pass of <paramref name="count"/> messages: the rate, and the processor time per message (on a shared machine
    /// the rate follows the cores we get; the processor time per message does much less).
    /// </summary>
    private static async Task<(double Rate, double CpuMs)> TransportPassAsync(IMailTransport transport, EmailMessage message, int count, int parallel, CancellationToken ct)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var rate = await TransportRateAsync(transport, message, count, parallel, ct);
        return (rate, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / count);
    }

    private static async Task<double> TransportRateAsync(IMailTransport transport, EmailMessage message, int count, int parallel, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct },
            async (i, token) => await transport.SendAsync(message with { To = $"r{i}@example.org" }, token));
        return count / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Due digests straight into the outbox, set-based: planning is measured by the match benchmark.</summary>
    private static async Task SeedAsync(string connectionString, int digests, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.OpenAsync(ct);
        await db.ExecuteAsync("""
            INSERT INTO listings (identity_key, url, title, summary, authors, published_at, source)
            SELECT 'bench:' || g, 'https://arxiv.org/abs/2501.' || (10000 + g),
                   'Grokking at the Edge of Numerical Stability, number ' || g,
                   repeat('Grokking, the sudden generalization that occurs after prolonged overfitting. ', 12),
                   ARRAY['Lucas Prieto', 'Melih Barsbey'], now() - interval '1 day', 'bench'
            FROM generate_series(1, 1000) g;
            INSERT INTO topics (canonical, query) VALUES ('grokking', to_tsquery('english', 'grokking'));
            """, commandTimeout: 0);
        await db.ExecuteAsync("""
            INSERT INTO subscribers (email, email_key, status, confirmed_at)
            SELECT 'reader' || g || '@example.org', 'reader' || g || '@example.org', 'active', now() - interval '2 days'
            FROM generate_series(1, @digests) g;
            INSERT INTO subscriber_topics (subscriber_id, topic_id, label, position)
            SELECT s.id, t.id, 'grokking', 0 FROM subscribers s CROSS JOIN topics t;
            INSERT INTO digests (subscriber_id, period, due_at, cycle_id, listing_ids, scores, topic_ids, matched_topics)
            SELECT s.id, current_date, now(), (SELECT max(id) FROM planning_cycles),
                   ARRAY(SELECT l.id FROM generate_series(0, 9) i
                         JOIN listings l ON l.identity_key = 'bench:' || ((s.id * 7 + i) % 1000 + 1) ORDER BY i),
                   ARRAY(SELECT (1.0 / (i + 1))::real FROM generate_series(0, 9) i),
                   ARRAY(SELECT id FROM topics), array_fill(1, ARRAY[10])
            FROM subscribers s;
            ANALYZE;
            """, new { digests }, commandTimeout: 0);
    }
}
