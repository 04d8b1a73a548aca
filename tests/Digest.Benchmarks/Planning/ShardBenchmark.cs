using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Dapper;
using Digest.Benchmarks.Matching;
using Digest.Host.Startup;
using Npgsql;

namespace Digest.Benchmarks.Planning;

/// <summary>
/// Planning in shards by worker processes (`digest run --role worker`), as an operator scales it: N people (10,000,000)
/// with 1-5 topics each drawn Zipf-like from 20,000, 5,000 new listings, reader models for 10 % (the data of `match`),
/// planned by --workers worker processes (3) in shards of --shard-size (50,000), --at-once (2) at a time on each; then, on the same data in the same
/// run, by one worker holding everyone in one shard (planning on one node, as before shards), stopped when it passes
/// --limit-mb (1024) or --limit-minutes (10); before that, by one worker with the same shards (one node as it plans by
/// default; --node 0 leaves it out), with the same limits. Prints for each: the whole time from the cycle's start to the last
/// shard stored, the cycle's own step, shards per worker and their times, each worker's peak memory (VmHWM), and when
/// each shard's people were planned after the cycle began (the delay from due time to planned). The relay is a
/// listener that never answers, so sending costs nothing here (send rates: `send`).
/// </summary>
public sealed class ShardBenchmark : IBenchmark
{
    public string Name => "plan-shards";

    public string Description => "plan 10,000,000 people in shards on 3 worker processes (target: 10 minutes, each worker 1 GB)";

    public async Task RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        int people = context.Option("--subscribers", 10_000_000), workers = context.Option("--workers", 3);
        int shardSize = context.Option("--shard-size", 50_000), learned = context.Option("--learned", 10), atOnce = context.Option("--at-once", 2);
        await SeedAsync(context, people, learned, ct);
        using var relay = new TcpListener(IPAddress.Loopback, 0);
        relay.Start();
        var port = ((IPEndPoint)relay.LocalEndpoint).Port;

        var sharded = await PlanAsync(context, port, workers, shardSize, atOnce, limit: null, ct);
        Report(context, $"{workers} workers, shards of {shardSize:N0}, {atOnce} at once", sharded);
        context.Report("  the day's digests on disk", await DaySizeAsync(context.ConnectionString));
        await ForgetPlanningAsync(context.ConnectionString);
        // Other layouts on the same data, when asked: --also-at-once N; --also-parallel 1, the first layout with
        // PostgreSQL's parallel query on in the workers' sessions (the server's default of two processes a query; ours
        // run without).
        async Task AlsoAsync(string label, int at, string? sessionOptions)
        {
            Report(context, $"{workers} workers, shards of {shardSize:N0}, {at} at once{label}",
                await PlanAsync(context, port, workers, shardSize, at, limit: null, ct, sessionOptions));
            await ForgetPlanningAsync(context.ConnectionString);
        }
        if (context.Option("--also-at-once", 0) is > 0 and var also) await AlsoAsync("", also, null);
        if (context.Option("--also-parallel", 0) == 1) await AlsoAsync(", parallel query on", atOnce, "-c max_parallel_workers_per_gather=2");
        var limit = (context.Option("--limit-mb", 1024) * 1024L * 1024, TimeSpan.FromMinutes(context.Option("--limit-minutes", 10)));
        // One node as a single installation plans by default: the same shards, on one worker (--node 0: not run).
        Outcome? node = null;
        if (context.Option("--node", 1) == 1)
        {
            node = await PlanAsync(context, port, 1, shardSize, atOnce, limit, ct);
            Report(context, $"1 worker, shards of {shardSize:N0}, {atOnce} at once (one node)", node);
            await ForgetPlanningAsync(context.ConnectionString);
        }
        // One node holding everyone in one shard: planning in one process, as before shards.
        var single = await PlanAsync(context, port, 1, Math.Min(people, 10_000_000), 1, limit, ct);
        Report(context, "1 worker, one shard (everyone in one process)", single);
        if (sharded.Seconds is { } s && node?.Seconds is { } n) context.Report("ratio", $"{n / s:0.00}× the time of one node");
        if (sharded.Seconds is { } s2 && single.Seconds is { } one) context.Report("ratio", $"{one / s2:0.00}× the time of everyone in one process");
    }

    /// <summary>The size on disk (indexes included) of the day's partition of the outbox, and how many digests it holds.</summary>
    private static async Task<string> DaySizeAsync(string connectionString)
    {
        await using var db = new NpgsqlConnection(connectionString);
        var (table, bytes, rows) = await db.QuerySingleAsync<(string Table, long Bytes, long Rows)>("""
            SELECT c.relname, pg_total_relation_size(c.oid), c.reltuples::bigint
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'digests'::regclass ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 1
            """);
        // reltuples is -1 until the partition is first analyzed (a small run ends before autovacuum gets to it).
        return rows < 0 ? $"{table}: {bytes / 1048576.0:N0} MB (not yet analyzed: no digest count)"
            : $"{table}: {bytes / 1048576.0:N0} MB for about {rows:N0} digests ({(double)bytes / Math.Max(1, rows):0} bytes each)";
    }

    private static async Task SeedAsync(BenchmarkContext context, int people, int learned, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var settings = new Dictionary<string, string?> { ["Database:ConnectionString"] = context.ConnectionString, ["Ingest:InboxDirectory"] = "" };
        using (var host = await DigestHost.BuildCliAsync(settings, ct))
        {
            var random = new Random(20261122);
            var (titles, sentences, words, bigrams) = await MatchBenchmark.VocabularyAsync();
            await MatchBenchmark.StoreListingsAsync(host, "day 1", context.Option("--listings", 5_000), random, titles, sentences, ct);
            var topics = MatchBenchmark.BuildTopics(words, bigrams, context.Option("--topics", 20_000), random);
            await MatchBenchmark.SeedAsync(context.ConnectionString, topics, people, random, ct);
            if (learned > 0) await MatchBenchmark.SeedProfilesAsync(context.ConnectionString, words, learned, ct);
            if (learned > 0) await MatchBenchmark.EmbedAsync(context.ConnectionString, ct);
        }
        await using var db = new NpgsqlConnection(context.ConnectionString);
        // As autovacuum would have long since: the freshly loaded tables' visibility maps and statistics.
        await db.ExecuteAsync("VACUUM ANALYZE subscribers, subscriber_topics, reader_profiles, listings, listing_embeddings", commandTimeout: 0);
        var size = await db.ExecuteScalarAsync<string>("SELECT pg_size_pretty(pg_database_size(current_database()))");
        context.Report("seeded", $"{people:N0} people ({learned} % with a reader model), database {size}, in {watch.Elapsed.TotalSeconds:0} s");
    }

    private sealed record Outcome(double? Seconds, double CycleSeconds, long Planned, Dictionary<string, int> ShardsPerWorker, long[] PeakBytes,
        double[] ShardSeconds, double[] PlannedAfter, string? StoppedAt);

    private static async Task<Outcome> PlanAsync(BenchmarkContext context, int relayPort, int count, int shardSize, int atOnce,
        (long Bytes, TimeSpan Time)? limit, CancellationToken ct, string? sessionOptions = null)
    {
        var workersDatabase = sessionOptions is null ? context.ConnectionString
            : new NpgsqlConnectionStringBuilder(context.ConnectionString) { Options = sessionOptions }.ConnectionString;
        var settings = Settings(workersDatabase, relayPort, shardSize);
        settings["Planning:ShardsAtOnce"] = atOnce.ToString(CultureInfo.InvariantCulture);
        // --workstation-gc 1: the workers' garbage collector in workstation mode (server mode is ASP.NET Core's default).
        if (context.Option("--workstation-gc", 0) == 1) settings["DOTNET_gcServer"] = "0";
        var logs = new List<string>[count];
        var processes = Enumerable.Range(0, count).Select(i => Start(settings, logs[i] = [])).ToArray();
        var peaks = new long[count];
        var watch = Stopwatch.StartNew();
        string? stopped = null;
        try
        {
            while (!await CycleEndedAsync(context.ConnectionString))
            {
                await Task.Delay(1000, ct);
                for (var i = 0; i < count; i++) peaks[i] = Math.Max(peaks[i], PeakBytes(processes[i]));
                if (limit is { } l && (peaks.Max() > l.Bytes || watch.Elapsed > l.Time))
                {
                    stopped = $"stopped after {watch.Elapsed.TotalSeconds:0} s at {peaks.Max() / 1048576:N0} MB; its last words: " +
                              string.Join(" / ", logs.SelectMany(x => Last(x, 2)));
                    break;
                }
            }
            for (var i = 0; i < count; i++) peaks[i] = Math.Max(peaks[i], PeakBytes(processes[i]));
        }
        finally
        {
            foreach (var p in processes.Where(p => !p.HasExited)) Process.Start("kill", ["-KILL", p.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
            foreach (var p in processes)
            {
                await p.WaitForExitAsync(CancellationToken.None);
                p.Dispose();
            }
        }
        foreach (var line in logs.SelectMany(l => Last(l, 3))) context.Report("  log", line.Length > 160 ? line[..160] : line);
        return await OutcomeAsync(context.ConnectionString, peaks, stopped);
    }

    private static Dictionary<string, string?> Settings(string connectionString, int relayPort, int shardSize)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = connectionString,
            ["Ingest:InboxDirectory"] = "",
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = relayPort.ToString(CultureInfo.InvariantCulture),
            ["Site:BaseUrl"] = "https://digest.test",
            ["Site:FromAddress"] = "digest@digest.test",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Digest.Delivery.DigestPlanner"] = "Information",
            ["Planning:ShardSize"] = shardSize.ToString(CultureInfo.InvariantCulture),
            ["Scheduling:PlanCron"] = "*/5 * * * * *",
            ["Scheduling:SchedulePollSeconds"] = "1",
            ["Scheduling:QueuePollSeconds"] = "1",
        };
        foreach (var job in new[] { "FeedsCron", "InboxCron", "ConsoleFiguresCron", "CleanupCron", "SendCron", "RetentionCron", "EmbedCron" })
            settings[$"Scheduling:{job}"] = "0 0 1 1 *";
        return settings;
    }

    private static Process Start(IReadOnlyDictionary<string, string?> settings, List<string> log)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "digest.dll"), "run", "--role", "worker", "--urls", "http://127.0.0.1:0" })
            psi.ArgumentList.Add(a);
        foreach (var (key, value) in settings)
        {
            if (key.StartsWith("DOTNET_", StringComparison.Ordinal)) psi.Environment[key] = value;
            else psi.Environment["DIGEST_" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) lock (log) log.Add(line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (log) log.Add(line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static List<string> Last(List<string> log, int count)
    {
        lock (log) return log.Where(l => l.Contains("Cycle", StringComparison.Ordinal) || l.Contains("Read everyone", StringComparison.Ordinal)
                                         || l.Contains("Shard", StringComparison.Ordinal) || l.Contains("Matched", StringComparison.Ordinal))
            .TakeLast(count).Select(l => l.Trim()).ToList();
    }

    /// <summary>The process's peak resident memory so far (VmHWM), 0 once it has exited.</summary>
    private static long PeakBytes(Process process)
    {
        try
        {
            var line = File.ReadLines($"/proc/{process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>A cycle was stored and none of its shards is waiting or running any more.</summary>
    private static async Task<bool> CycleEndedAsync(string connectionString)
    {
        await using var db = new NpgsqlConnection(connectionString);
        return await db.ExecuteScalarAsync<bool>("""
            SELECT count(*) > 0 AND count(*) FILTER (WHERE state IN ('waiting', 'running')) = 0 FROM planning_shards
            """);
    }

    private static async Task<Outcome> OutcomeAsync(string connectionString, long[] peaks, string? stopped)
    {
        await using var db = new NpgsqlConnection(connectionString);
        var cycle = await db.QuerySingleAsync<(DateTime Started, DateTime Finished)>(
            "SELECT started_at, finished_at FROM job_runs WHERE job = 'digest-plan' AND summary LIKE 'cycle %' ORDER BY started_at LIMIT 1");
        var shards = (await db.QueryAsync<(string Node, DateTime? Started, DateTime? Finished, string State)>(
            "SELECT coalesce(node, '-'), started_at, finished_at, state FROM planning_shards")).ToList();
        var done = shards.Where(s => s.State == "done").ToList();
        var planned = await db.ExecuteScalarAsync<long>("SELECT count(*) FROM digests");
        double? seconds = stopped is null && done.Count == shards.Count ? (done.Max(s => s.Finished!.Value) - cycle.Started).TotalSeconds : null;
        return new Outcome(seconds, (cycle.Finished - cycle.Started).TotalSeconds, planned,
            shards.GroupBy(s => s.Node).ToDictionary(g => g.Key, g => g.Count()), peaks,
            done.Select(s => (s.Finished!.Value - s.Started!.Value).TotalSeconds).Order().ToArray(),
            done.Select(s => (s.Finished!.Value - cycle.Started).TotalSeconds).Order().ToArray(), stopped);
    }

    private static void Report(BenchmarkContext context, string label, Outcome o)
    {
        context.Report(label, o.Seconds is { } s ? $"{o.Planned:N0} planned in {s:0.0} s (the cycle's own step {o.CycleSeconds:0.0} s)"
            : $"{o.Planned:N0} planned, not finished: {o.StoppedAt}");
        context.Report("  shards per worker", string.Join(", ", o.ShardsPerWorker.Select(w => $"{w.Key}: {w.Value}")));
        context.Report("  peak memory per worker (VmHWM)", string.Join(", ", o.PeakBytes.Select(b => $"{b / 1048576:N0} MB")));
        if (o.ShardSeconds.Length == 0) return;
        context.Report("  one shard, median and longest", $"{Median(o.ShardSeconds):0.0} s, {o.ShardSeconds[^1]:0.0} s");
        context.Report("  people planned after the cycle began", $"first shard {o.PlannedAfter[0]:0} s, half {Median(o.PlannedAfter):0} s, last {o.PlannedAfter[^1]:0} s");
    }

    private static double Median(double[] sorted) => sorted[sorted.Length / 2];

    /// <summary>The first run's digests and cycle forgotten, so the second plans the same people from the same state.</summary>
    private static async Task ForgetPlanningAsync(string connectionString)
    {
        await using var db = new NpgsqlConnection(connectionString);
        await db.ExecuteAsync("""
            TRUNCATE digests, planning_hits CASCADE;
            DELETE FROM planning_cycles WHERE id IN (SELECT cycle_id FROM planning_shards);
            DELETE FROM job_runs;
            """, commandTimeout: 0);
        await db.ExecuteAsync("VACUUM ANALYZE digests, planning_cycles, planning_shards", commandTimeout: 0);
    }
}
