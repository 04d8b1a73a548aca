using Dapper;
using Npgsql;

namespace Digest.Benchmarks.OperatorConsole;

/// <summary>
/// A database the size the console must stay fast at: people, their topics, listings arrived over months, a month of
/// digests (a few failed), clicks, bounces, suppressions and audit lines, written by PostgreSQL itself and analysed.
/// </summary>
internal static class ConsolePagesFill
{
    /// <summary>Listings arrive at this rate, newest last: a week's window holds what a real one does, however many are stored.</summary>
    public const int ListingsPerDay = 5_000;

    public static async Task RunAsync(NpgsqlDataSource db, int people, int listings, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO topics (canonical, query) SELECT 'topic-' || k, to_tsquery('simple', 'topic' || k) FROM generate_series(0, 999) k;
            INSERT INTO subscribers (email, email_key, status, confirmed_at, created_at)
            SELECT 'person-' || lpad(i::text, 7, '0') || '@example.org', 'person-' || lpad(i::text, 7, '0') || '@example.org',
                   CASE WHEN i % 50 = 0 THEN 'unsubscribed' ELSE 'active' END, now() - (i % 60) * interval '1 day', now() - (i % 60) * interval '1 day'
            FROM generate_series(0, @people - 1) i;
            INSERT INTO subscriber_topics (subscriber_id, topic_id, label, position)
            SELECT s.id, t.id, t.canonical, 0 FROM subscribers s JOIN topics t ON t.canonical = 'topic-' || (s.id % 1000);
            INSERT INTO listings (identity_key, url, title, summary, source, published_at, first_seen_at)
            SELECT 'bench:' || i, 'https://papers.example/' || i, 'Listing ' || i || ' on topic' || (i % 1000) || ' and its neighbours',
                   repeat('An abstract about topic' || (i % 1000) || ', with enough words to look like one. ', CASE WHEN i > @listings - 8 * @per_day THEN 16 ELSE 1 END),
                   'bench', now() - (@listings - i) / @per_day * interval '1 day', now() - (@listings - i) / @per_day * interval '1 day'
            FROM generate_series(1, @listings - @per_day) i;
            """, new { people, listings, per_day = ListingsPerDay }, commandTimeout: 0, cancellationToken: ct));
        // Listings of the last eight days (what planning and a preview match) have abstracts as long as real ones, about
        // 1,000 characters; older ones are short, which only saves disk.
        // Everyone's last digest was planned yesterday, by a cycle that saw every listing but today's: a returning
        // reader's next digest chooses from one day of listings, a newcomer's first from the whole window.
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO planning_cycles (snapshot) VALUES (pg_current_snapshot());
            """, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO listings (identity_key, url, title, summary, source, published_at, first_seen_at)
            SELECT 'bench:' || i, 'https://papers.example/' || i, 'Listing ' || i || ' on topic' || (i % 1000) || ' and its neighbours',
                   repeat('An abstract about topic' || (i % 1000) || ', with enough words to look like one. ', 16), 'bench', now(), now()
            FROM generate_series(@listings - @per_day + 1, @listings) i;
            INSERT INTO digests (subscriber_id, period, status, due_at, planned_at, sent_at, attempts, last_error, cycle_id, listing_ids)
            SELECT s.id, (now() - (s.id % 30) * interval '1 day')::date,
                   CASE WHEN s.id % 100 = 0 THEN 'failed' ELSE 'sent' END,
                   now() - (s.id % 30) * interval '1 day', now() - (s.id % 30) * interval '1 day', now() - (s.id % 30) * interval '1 day',
                   CASE WHEN s.id % 100 = 0 THEN 8 ELSE 1 END,
                   CASE WHEN s.id % 100 = 0 THEN '550 5.1.1 mailbox unavailable' END,
                   (SELECT max(id) FROM planning_cycles), ARRAY(SELECT 1 + (s.id * 7 + k) % @listings FROM generate_series(0, 9) k)
            FROM subscribers s;
            INSERT INTO subscribers (email, email_key, status, confirmed_at, created_at)
            VALUES ('newcomer@example.org', 'newcomer@example.org', 'active', now(), now());
            INSERT INTO subscriber_topics (subscriber_id, topic_id, label, position)
            SELECT s.id, t.id, t.canonical, 0 FROM subscribers s, topics t WHERE s.email_key = 'newcomer@example.org' AND t.canonical = 'topic-7';
            INSERT INTO reader_signals (subscriber_id, listing_id, kind, at)
            SELECT s.id, 1 + (s.id * 7) % @listings, 'click', now() - (s.id % 30) * interval '1 day' FROM subscribers s WHERE s.id % 5 = 0;
            INSERT INTO bounces (mailbox_key, received_at, kind, outcome, email_key, status, detail, source)
            SELECT 'bench:' || i, now() - (i % 30) * interval '1 day', CASE WHEN i % 3 = 0 THEN 'soft' ELSE 'hard' END, 'counted',
                   'person-' || lpad(i::text, 7, '0') || '@example.org', '5.1.1', '550 5.1.1 user unknown', 'bench'
            FROM generate_series(0, @people / 50 - 1) i;
            INSERT INTO suppressions (email_key, reason) SELECT 'person-' || lpad(i::text, 7, '0') || '@example.org', 'hard bounce'
            FROM generate_series(0, @people / 100 - 1) i;
            INSERT INTO audit_log (actor, action, target) SELECT 'bench', 'paused', 'person-' || i || '@example.org' FROM generate_series(1, 10000) i;
            ANALYZE;
            """, new { people, listings, per_day = ListingsPerDay }, commandTimeout: 0, cancellationToken: ct));
    }
}
