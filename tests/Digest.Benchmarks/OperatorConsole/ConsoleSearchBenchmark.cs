using System.Diagnostics;
using Dapper;
using Digest.Data;
using Digest.Data.Repositories;
using NodaTime;
using Npgsql;

namespace Digest.Benchmarks.OperatorConsole;

/// <summary>
/// The console's subscriber search over many people: the first page and a page half-way down, by address and by
/// topic, through the repository the console uses (keyset pages), beside the naive baseline of OFFSET paging to
/// the same depth, measured in the same run.
/// </summary>
public sealed class ConsoleSearchBenchmark : IBenchmark
{
    public string Name => "console-search";

    public string Description => "console subscriber search: keyset pages over --people N (1,000,000) people, beside OFFSET paging";

    private const int Repeats = 15;

    public async Task RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        var people = context.Option("--people", 1_000_000);
        await using var db = DataSourceFactory.Create(context.ConnectionString);
        var fill = Stopwatch.StartNew();
        await FillAsync(db, people, ct);
        context.Report("people stored (and analysed)", $"{people:N0} in {fill.Elapsed.TotalSeconds:0.0} s");

        var subscribers = new SubscriberRepository(db, SqlCatalog.Load(), SystemClock.Instance);
        var half = people / 2;
        var middleKey = $"person-{half:0000000}@example.org";
        context.Report("address, first page (keyset)", Ms(await MedianAsync(() => subscribers.SearchByAddressAsync("person-", null, 50, ct))));
        context.Report("address, page at the middle (keyset)", Ms(await MedianAsync(() => subscribers.SearchByAddressAsync("person-", middleKey, 50, ct))));
        context.Report("address, page at the middle (OFFSET baseline)", Ms(await MedianAsync(() => OffsetAsync(db, half, ct))));
        context.Report("address prefix matching 10 people", Ms(await MedianAsync(() => subscribers.SearchByAddressAsync($"person-{half / 10:000000}", null, 50, ct))));
        context.Report("topic, first page (keyset)", Ms(await MedianAsync(() => subscribers.SearchByTopicAsync("topic-7", 0, 50, ct))));
        context.Report("topic, page at the middle (keyset)", Ms(await MedianAsync(() => subscribers.SearchByTopicAsync("topic-7", half, 50, ct))));
    }

    /// <summary>People person-0000000@example.org …, each following one of 1,000 topics.</summary>
    private static async Task FillAsync(NpgsqlDataSource db, int people, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var timeout = 0;
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO topics (canonical, query) SELECT 'topic-' || k, to_tsquery('simple', 'topic' || k) FROM generate_series(0, 999) k;
            INSERT INTO subscribers (email, email_key, status, confirmed_at)
            SELECT 'person-' || lpad(i::text, 7, '0') || '@example.org', 'person-' || lpad(i::text, 7, '0') || '@example.org', 'active', now()
            FROM generate_series(0, @people - 1) i;
            INSERT INTO subscriber_topics (subscriber_id, topic_id, label, position)
            SELECT s.id, t.id, t.canonical, 0 FROM subscribers s JOIN topics t ON t.canonical = 'topic-' || (s.id % 1000);
            ANALYZE subscribers; ANALYZE subscriber_topics; ANALYZE topics;
            """, new { people }, commandTimeout: timeout, cancellationToken: ct));
    }

    private static async Task<int> OffsetAsync(NpgsqlDataSource db, int offset, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT id FROM subscribers ORDER BY (email_key COLLATE \"C\") OFFSET @offset LIMIT 50", new { offset }, cancellationToken: ct))).Count();
    }

    private static async Task<double> MedianAsync<T>(Func<Task<T>> query)
    {
        await query();
        var times = new List<double>();
        for (var i = 0; i < Repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            await query();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static string Ms(double ms) => $"{ms:0.00} ms (median of {Repeats})";
}
