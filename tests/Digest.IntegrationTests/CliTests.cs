using System.Text.RegularExpressions;
using Dapper;
using Digest.IntegrationTests.Infrastructure;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>The CLI verbs as an operator runs them: real process, real database, exit codes and printed counts.</summary>
public sealed class CliTests : IAsyncLifetime
{
    private Dictionary<string, string?> _settings = null!;
    private string _folder = null!;

    public async Task InitializeAsync()
    {
        _folder = Directory.CreateTempSubdirectory("digest-cli-").FullName;
        _settings = await DigestTestHost.SettingsAsync(await TestPostgres.CreateDatabaseAsync(), _folder);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_settings["Database:ConnectionString"]);
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    [Fact]
    public async Task Migrate_twice_changes_nothing_the_second_time()
    {
        var first = await Cli.RunAsync(_settings, "migrate");
        var second = await Cli.RunAsync(_settings, "migrate");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(Digest.Data.Migrator.All().Count, await CountAsync("SELECT count(*) FROM schema_migrations"));
        Assert.Contains("Schema is current", second.Output);
    }

    [Fact]
    public async Task Ingest_prints_seen_new_duplicate_and_rejected_and_a_second_run_adds_nothing()
    {
        var first = await Cli.RunAsync(_settings, "ingest", Fixture("papers-page-1.txt"), Fixture("papers-page-2.txt"));
        var again = await Cli.RunAsync(_settings, "ingest", Fixture("papers-page-1.txt"));

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("papers-page-1.txt (papers-page): seen 8, new 8, duplicate 0, rejected 0", first.Output);
        Assert.Contains("papers-page-2.txt (papers-page): seen 9, new 8, duplicate 1, rejected 0", first.Output);
        Assert.Contains("seen 8, new 0, duplicate 8, rejected 0", again.Output);
        Assert.Equal(16, await CountAsync("SELECT count(*) FROM listings"));
    }

    [Fact]
    public async Task Ingest_of_page_variants_skips_the_chrome_says_so_and_stores_each_paper_once()
    {
        var withSubscribeTitles = await Cli.RunAsync(_settings, "ingest", Fixture("page-variants/07-title-starting-with-subscribe.txt"));
        var glued = await Cli.RunAsync(_settings, "ingest", Fixture("page-variants/11-glued-no-blank-lines-crlf.txt"));

        Assert.Equal(0, withSubscribeTitles.ExitCode);
        Assert.Contains("seen 11, new 11, duplicate 0, rejected 0", withSubscribeTitles.Output);
        Assert.Contains("skipped 4 boilerplate lines: \"new\", \"Get trending papers in your email inbox!\", \"Subscribe\"", withSubscribeTitles.Output);
        Assert.Contains("seen 9, new 0, duplicate 9, rejected 0", glued.Output);
        Assert.Equal(11, await CountAsync("SELECT count(*) FROM listings"));
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM listings WHERE title LIKE 'Subscribe%'"));
    }

    [Fact]
    public async Task Ingest_refuses_binary_files_as_a_whole_with_a_reason_and_keeps_what_was_stored()
    {
        await Cli.RunAsync(_settings, "ingest", Fixture("papers-page-1.txt"));
        var random = new byte[100 * 1024];
        new Random(13).NextBytes(random);
        var noise = Path.Combine(_folder, "noise.txt");
        await File.WriteAllBytesAsync(noise, random);
        var png = Path.Combine(_folder, "figure.png");
        await File.WriteAllBytesAsync(png, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. random.AsSpan(0, 4000)]);
        var nul = Path.Combine(_folder, "nul.txt");
        var page = await File.ReadAllTextAsync(Fixture("papers-page-2-full.txt"));
        await File.WriteAllTextAsync(nul, page.Insert(page.Length - 50, "\0"));
        var latin1 = Path.Combine(_folder, "latin1.txt");
        await File.WriteAllBytesAsync(latin1, System.Text.Encoding.Latin1.GetBytes(
            "Mar 17\n\nÉtude des réseaux à mémoire\n\nNous étudions les réseaux de neurones dotés d'une mémoire externe.\n"));

        var refused = await Cli.RunAsync(_settings, "ingest", noise, png, nul);
        var read = await Cli.RunAsync(_settings, "ingest", latin1);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("noise.txt: it contains NUL bytes: binary data, not text", refused.Error);
        Assert.Contains("figure.png: this is a PNG image, not a file of listings", refused.Error);
        Assert.Contains("nul.txt: line ", refused.Error);
        Assert.DoesNotContain("seen", refused.Output);
        Assert.Equal(0, read.ExitCode);
        Assert.Equal(9, await CountAsync("SELECT count(*) FROM listings"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM listings WHERE title = 'Étude des réseaux à mémoire'"));
    }

    [Fact]
    public async Task Ingest_of_a_file_with_bad_lines_keeps_the_good_ones_and_says_where_the_bad_ones_are()
    {
        var file = Path.Combine(_folder, "mixed.jsonl");
        await File.WriteAllLinesAsync(file, ["""{"title":"Good one"}""", """{"title": broken""", """{"title":"Good two"}""", ""]);
        var empty = Path.Combine(_folder, "empty.jsonl");
        await File.WriteAllTextAsync(empty, "");

        var result = await Cli.RunAsync(_settings, "ingest", file);
        var emptyResult = await Cli.RunAsync(_settings, "ingest", empty);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("seen 3, new 2, duplicate 0, rejected 1", result.Output);
        Assert.Contains("mixed.jsonl:2: not valid JSON", result.Error);
        Assert.Equal(1, emptyResult.ExitCode);
        Assert.Contains("the file is empty", emptyResult.Error);
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM listings"));
    }

    [Fact]
    public async Task Ingest_of_utf8_with_one_broken_byte_refuses_that_line_and_keeps_the_rest_as_written()
    {
        var utf8 = System.Text.Encoding.UTF8;
        var file = Path.Combine(_folder, "one-bad-byte.jsonl");
        // Line 2 holds a lone Latin-1 byte (0xE9, "é"): the file is UTF-8 with one broken byte, not Latin-1.
        await File.WriteAllBytesAsync(file, [
            .. utf8.GetBytes("""{"title":"Schrödinger equations for cats","summary":"Both alive and dead."}""" + "\n"),
            .. utf8.GetBytes("""{"title":"Caf"""), 0xE9, .. utf8.GetBytes(""" society"}""" + "\n"),
            .. utf8.GetBytes("""{"title":"Über alles: a survey"}""" + "\n")]);
        var correct = Path.Combine(_folder, "correct-copy.jsonl");
        await File.WriteAllTextAsync(correct, """{"title":"Café society"}""" + "\n");

        var result = await Cli.RunAsync(_settings, "ingest", file);
        var again = await Cli.RunAsync(_settings, "ingest", correct);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("seen 3, new 2, duplicate 0, rejected 1", result.Output);
        Assert.Contains("one-bad-byte.jsonl:2: ", result.Error);
        Assert.Contains("not valid UTF-8", result.Error);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM listings WHERE title = 'Schrödinger equations for cats'"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM listings WHERE title = 'Über alles: a survey'"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM listings WHERE title = 'Café society'"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM listings WHERE title ~ '[ÃÂ\uFFFD]'"));
    }

    [Fact]
    public async Task Subscriber_add_refuses_bad_input_with_clear_messages_and_stores_nothing()
    {
        var result = await Cli.RunAsync(_settings, "subscriber", "add", "not-an-address", "--topic", "\"unclosed", "--zone", "Mars/Base", "--hour", "25");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'not-an-address' is not an email address", result.Error);
        Assert.Contains("The quote at position 1 is never closed", result.Error);
        Assert.Contains("--zone: zone 'Mars/Base' is not an IANA time zone", result.Error);
        Assert.Contains("--hour: hour '25' is not 0-23", result.Error);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM subscribers"));
    }

    [Fact]
    public async Task Subscriber_add_holds_to_the_sign_up_rules_for_topic_count_weekday_and_size()
    {
        var many = Enumerable.Range(1, 21).SelectMany(i => new[] { "--topic", $"topic{i}" }).ToArray();

        var tooMany = await Cli.RunAsync(_settings, ["subscriber", "add", "many@example.org", .. many]);
        var badDay = await Cli.RunAsync(_settings, "subscriber", "add", "day@example.org", "--topic", "grokking", "--weekly", "--weekday", "none", "--max-items", "0");
        var help = await Cli.RunAsync(_settings, "subscriber", "add", "--help");

        Assert.Equal(2, tooMany.ExitCode);
        Assert.Contains("--topic: 21 topics; at most 20", tooMany.Error);
        Assert.Contains("--weekday: weekday 'none' is not monday-sunday", badDay.Error);
        Assert.Contains("--max-items: max_items '0' is not 1-50", badDay.Error);
        Assert.DoesNotContain("None", help.Output);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM subscribers"));
    }

    [Fact]
    public async Task Subscriber_add_then_update_keeps_one_person_with_the_new_topics()
    {
        var added = await Cli.RunAsync(_settings, "subscriber", "add", "Ada@Example.org", "--topic", "grokking", "--topic", "title:transformer*");
        var updated = await Cli.RunAsync(_settings, "subscriber", "add", "ada@example.org", "--topic", "length generalization");

        Assert.Equal(0, added.ExitCode);
        Assert.Contains("Added subscriber", added.Output);
        Assert.Contains("Updated subscriber", updated.Output);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM subscribers"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM subscriber_topics"));
    }

    [Fact]
    public async Task Send_now_all_delivers_to_the_smtp_server()
    {
        await Cli.RunAsync(_settings, "ingest", Fixture("papers-page-1.txt"));
        var email = $"cli-{Guid.NewGuid():N}@example.org";
        await Cli.RunAsync(_settings, "subscriber", "add", email, "--topic", "grokking");

        var result = await Cli.RunAsync(_settings, "send-now", "--all");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Sent: 1,", result.Output);
        Assert.Single(await TestMailServer.WaitForAsync(email));
    }

    [Fact]
    public async Task Send_now_all_sends_the_next_digest_early_after_todays_and_a_waiting_digest_now()
    {
        // Retries far apart, so the digest that waits below still waits when --all runs.
        var settings = new Dictionary<string, string?>(_settings) { ["Delivery:RetryBaseSeconds"] = "3600" };
        var relayDown = new Dictionary<string, string?>(settings) { ["Smtp:Port"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture) };
        await Cli.RunAsync(settings, "ingest", Fixture("papers-page-1.txt"));
        var got = $"got-today-{Guid.NewGuid():N}@example.org";
        var waiting = $"waiting-{Guid.NewGuid():N}@example.org";
        await AddDueReaderAsync(settings, got);
        Assert.Contains("Sent: 1,", (await Cli.RunAsync(settings, "send-now")).Output);
        await AddDueReaderAsync(settings, waiting);
        Assert.Contains("retrying 1,", (await Cli.RunAsync(relayDown, "send-now")).Output);
        var news = Path.Combine(_folder, "news.jsonl");
        await File.WriteAllTextAsync(news, """{"title": "Grokking in Sparse Parity Learners Revisited", "summary": "When grokking happens."}""" + "\n");
        await Cli.RunAsync(settings, "ingest", news);

        var result = await Cli.RunAsync(settings, "send-now", "--all");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Planned: 1 with news, 0 with nothing new (no email), 1 already planned", result.Output);
        Assert.Contains("Sent: 2,", result.Output);
        var early = await TestMailServer.WaitForAsync(got, count: 2);
        Assert.Equal(2, early.Count);
        Assert.Contains("Grokking in Sparse Parity Learners Revisited", early[1].Text);
        Assert.Single(await TestMailServer.WaitForAsync(waiting));
        Assert.Equal(2, await CountAsync($"SELECT count(DISTINCT d.period) FROM digests d JOIN subscribers s ON s.id = d.subscriber_id WHERE s.email = '{got}' AND d.status = 'sent'"));
    }

    /// <summary>A person confirmed days ago: their latest period is due, as for anyone who has had digests a while.</summary>
    private async Task AddDueReaderAsync(Dictionary<string, string?> settings, string email)
    {
        await Cli.RunAsync(settings, "subscriber", "add", email, "--topic", "grokking");
        await CountAsync($"UPDATE subscribers SET confirmed_at = now() - interval '3 days' WHERE email = '{email}' RETURNING 0");
    }

    [Fact]
    public async Task Stats_counts_listings_sources_subscribers_and_digests_by_state_and_the_last_cycle()
    {
        await Cli.RunAsync(_settings, "ingest", Fixture("papers-page-1.txt"));
        await Cli.RunAsync(_settings, "subscriber", "add", $"cli-{Guid.NewGuid():N}@example.org", "--topic", "grokking");
        await Cli.RunAsync(_settings, "subscriber", "add", $"cli-{Guid.NewGuid():N}@example.org", "--topic", "no such words anywhere");
        await Cli.RunAsync(_settings, "send-now", "--all");
        // Added after the send so that no pull of it is attempted: a source never pulled is not failing.
        await Cli.RunAsync(_settings, "sources", "add", "papers", "--url", "https://example.org/feed.xml");

        var result = await Cli.RunAsync(_settings, "stats");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"(?m)^listings +8$", result.Output);
        Assert.Matches(@"(?m)^sources +1: ok 1$", result.Output);
        Assert.Matches(@"(?m)^subscribers +2: active 2$", result.Output);
        Assert.Matches(@"(?m)^digests +2: empty 1, sent 1$", result.Output);
        Assert.Matches(@"(?m)^last planning cycle +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ, digests planned: 2$", result.Output);
    }

    [Fact]
    public async Task Listings_find_shows_matching_listings_newest_first_with_id_date_source_title_and_link()
    {
        await Cli.RunAsync(_settings, "ingest", Fixture("papers-page-1.txt"));

        var grokking = await Cli.RunAsync(_settings, "listings", "find", "GROKKING");
        var general = await Cli.RunAsync(_settings, "listings", "find", "generalization", "--limit", "3");
        var none = await Cli.RunAsync(_settings, "listings", "find", "no listing says this");

        Assert.Equal(0, grokking.ExitCode);
        var id = await CountAsync("SELECT id FROM listings WHERE title = 'Grokking at the Edge of Numerical Stability'");
        Assert.Matches($@"(?m)^{id}  \d{{4}}-\d\d-\d\d  cli  Grokking at the Edge of Numerical Stability\n    https://\S+$", grokking.Output);
        var dates = Regex.Matches(general.Output, @"(?m)^\d+  (\d{4}-\d\d-\d\d)  ").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(3, dates.Count);
        Assert.Equal(dates.OrderDescending(StringComparer.Ordinal), dates);
        Assert.Equal(0, none.ExitCode);
        Assert.Contains("No listing contains 'no listing says this'.", none.Output);
    }

    [Fact]
    public async Task Listings_find_and_stats_refuse_bad_input_and_say_when_the_database_cannot_be_reached()
    {
        var empty = await Cli.RunAsync(_settings, "listings", "find", "  ");
        var badLimit = await Cli.RunAsync(_settings, "listings", "find", "grokking", "--limit", "0");
        var unreachable = new Dictionary<string, string?>(_settings) { ["Database:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=nobody;Database=nothing;Timeout=5" };
        var stats = await Cli.RunAsync(unreachable, "stats");
        var find = await Cli.RunAsync(unreachable, "listings", "find", "grokking");

        Assert.Equal(2, empty.ExitCode);
        Assert.Contains("TEXT is empty", empty.Error);
        Assert.Equal(2, badLimit.ExitCode);
        Assert.Contains("--limit must be between 1 and 1000", badLimit.Error);
        foreach (var result in new[] { stats, find })
        {
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("cannot reach the database", result.Error);
            Assert.Contains("Database:ConnectionString", result.Error);
            Assert.DoesNotContain("   at ", result.Error);
            Assert.Equal("", result.Output);
        }
    }

    [Fact]
    public async Task Bad_configuration_fails_at_start_naming_the_key_and_changes_nothing()
    {
        await Cli.RunAsync(_settings, "ingest", Fixture("papers-page-1.txt"));
        var settings = new Dictionary<string, string?>(_settings) { ["Smtp:Port"] = "0", ["Delivery:BatchSize"] = "many" };

        var result = await Cli.RunAsync(settings, "send-now", "--all");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Delivery:BatchSize", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        var port = await Cli.RunAsync(new Dictionary<string, string?>(_settings) { ["Smtp:Port"] = "0" }, "send-now", "--all");
        Assert.Contains("invalid configuration: Smtp:Port must be between 1 and 65535", port.Error);
        Assert.Equal(8, await CountAsync("SELECT count(*) FROM listings"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM digests"));
    }

    [Fact]
    public async Task A_template_that_does_not_parse_fails_at_start_with_its_file_line_and_column()
    {
        var templates = Path.Combine(_folder, "templates");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "templates", "email"), "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(templates, Path.GetRelativePath(Path.Combine(AppContext.BaseDirectory, "templates", "email"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        var broken = Path.Combine(templates, "digest.txt.sbn");
        File.WriteAllText(broken, "{{ site_name }}\n\n  {{ for item in items }}no end\n");

        var result = await Cli.RunAsync(new Dictionary<string, string?>(_settings) { ["Templates:Directory"] = templates }, "send-now", "--all");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Templates:Directory", result.Error);
        Assert.Contains(broken + "(3,", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public async Task An_unknown_verb_or_missing_argument_is_a_usage_error()
    {
        var unknown = await Cli.RunAsync(_settings, "frobnicate");
        var missing = await Cli.RunAsync(_settings, "subscriber", "add", "a@example.org");

        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("frobnicate", unknown.Error);
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("--topic", missing.Error);
    }
}
