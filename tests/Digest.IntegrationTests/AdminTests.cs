using System.Net.Http.Json;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Dapper;
using Digest.Host.Admin;
using Digest.Host.Startup;
using Digest.Ingest;
using Digest.IntegrationTests.Infrastructure;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>The operators' tools: CSV import and export, suppression, preview, resend and stats, by CLI and admin API.</summary>
public sealed class AdminTests : IAsyncLifetime
{
    private const string Key = "test-admin-key-0123456789";
    private DigestTestHost _host = null!;
    private RunningApp _web = null!;

    public async Task InitializeAsync()
    {
        _host = await DigestTestHost.StartAsync(extra: new Dictionary<string, string?> { ["Admin:ApiKey"] = Key });
        _web = await RunningApp.StartAsync(_host.Settings, Role.Web);
        _web.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        await _host.Get<Ingestor>().IngestFileAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "papers-page-1.txt"), "test");
    }

    public async Task DisposeAsync()
    {
        await _web.DisposeAsync();
        await _host.DisposeAsync();
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        return await db.ExecuteScalarAsync<long>(sql);
    }

    [Fact]
    public async Task Csv_import_keeps_good_rows_reports_bad_ones_by_line_and_export_gives_them_back()
    {
        var file = Path.Combine(_host.Folder, "people.csv");
        await File.WriteAllLinesAsync(file,
        [
            "email,topics,hour,zone,frequency,weekday",
            "ada@example.org,\"grokking; title:transformer*\",7,Europe/Berlin,daily,",
            "not-an-address,grokking,8,UTC,daily,",
            "bob@example.org,\"\"\"unclosed\",8,UTC,daily,",
            "cy@example.org,grokking,25,UTC,daily,",
            "di@example.org,grokking,9,Mars/Base,daily,",
            "ed@example.org,\"length generalization\",18,America/New_York,weekly,friday",
            "",
        ]);

        var import = await Cli.RunAsync(_host.Settings, "subscriber", "import", file);
        var again = await Cli.RunAsync(_host.Settings, "subscriber", "import", file);
        var export = await Cli.RunAsync(_host.Settings, "subscriber", "export");

        Assert.Equal(2, import.ExitCode);
        Assert.Contains("added 2, updated 0, rejected 4", import.Output);
        Assert.Contains("line 3: 'not-an-address' is not an email address", import.Error);
        Assert.Contains("line 4: topic", import.Error);
        Assert.Contains("line 5: hour '25' is not 0-23", import.Error);
        Assert.Contains("line 6: zone 'Mars/Base' is not an IANA time zone", import.Error);
        Assert.Contains("added 0, updated 2, rejected 4", again.Output);
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM subscribers"));
        Assert.Contains("ada@example.org,grokking; title:transformer*,daily,7,Europe/Berlin,monday,10,active,no", export.Output);
        Assert.Contains("ed@example.org,length generalization,weekly,18,America/New_York,friday,10,active,no", export.Output);
    }

    [Fact]
    public async Task Csv_rows_are_reported_by_the_line_they_start_on_and_broken_quoting_stops_the_import_with_its_line()
    {
        var spanning = Path.Combine(_host.Folder, "spanning.csv");
        await File.WriteAllTextAsync(spanning, "email,topics\n\n\"ann@example.org\",\"grokking;\nlength generalization\"\nbad,grokking\n");
        var broken = Path.Combine(_host.Folder, "broken.csv");
        await File.WriteAllTextAsync(broken, "email,topics\nbo@example.org,grokking\ncy@example.org,gro\"kking\n");

        var first = await Cli.RunAsync(_host.Settings, "subscriber", "import", spanning);
        var second = await Cli.RunAsync(_host.Settings, "subscriber", "import", broken);

        Assert.Contains("added 1, updated 0, rejected 1", first.Output);
        Assert.Contains("line 5: 'bad' is not an email address", first.Error);
        Assert.Contains("line 3: not readable as CSV", second.Error);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM subscribers WHERE email = 'ann@example.org'"));
    }

    [Fact]
    public async Task Csv_import_updates_known_people_keeps_statuses_and_suppressions_as_saving_one_by_one_did()
    {
        await Cli.RunAsync(_host.Settings, "subscriber", "add", "kept@example.org", "--topic", "grokking");
        await Cli.RunAsync(_host.Settings, "subscriber", "add", "gone@example.org", "--topic", "grokking");
        await Cli.RunAsync(_host.Settings, "subscriber", "suppress", "gone@example.org");
        var file = Path.Combine(_host.Folder, "again.csv");
        await File.WriteAllLinesAsync(file,
        [
            "email,topics,status,frequency,weekday,hour",
            "Kept@example.org,\"diffusion; Diffusion; grokking\",paused,weekly,friday,6",
            "gone@example.org,grokking,active,,,",
            "new@example.org,grokking,pending,,,",
            "twice@example.org,grokking,active,,,",
            "twice@example.org,\"length generalization\",active,weekly,sunday,21",
        ]);

        var import = await Cli.RunAsync(_host.Settings, "subscriber", "import", file);
        var export = await Cli.RunAsync(_host.Settings, "subscriber", "export");

        Assert.Equal(0, import.ExitCode);
        Assert.Contains("added 2, updated 3, rejected 0", import.Output);
        // A known person keeps their status unless the row makes them active; their topics are the row's, a
        // topic typed twice is kept once with its first label; a suppressed address stays suppressed.
        Assert.Contains("kept@example.org,diffusion; grokking,weekly,6,UTC,friday,10,active,no", export.Output);
        Assert.Contains("gone@example.org,grokking,daily,8,UTC,monday,10,active,yes", export.Output);
        Assert.Contains("new@example.org,grokking,daily,8,UTC,monday,10,pending,no", export.Output);
        // An address twice in one file ends as its last row says.
        Assert.Contains("twice@example.org,length generalization,weekly,21,UTC,sunday,10,active,no", export.Output);
        Assert.Equal(4, await CountAsync("SELECT count(*) FROM subscribers"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM topics WHERE canonical = 'grokking'"));
    }

    [Fact]
    public async Task Importing_a_file_again_takes_changed_topic_order_and_labels_and_rewrites_nothing_unchanged()
    {
        var first = Path.Combine(_host.Folder, "topics-1.csv");
        var second = Path.Combine(_host.Folder, "topics-2.csv");
        await File.WriteAllLinesAsync(first, ["email,topics", "same@example.org,\"grokking; diffusion\"", "moved@example.org,\"grokking; diffusion\""]);
        await File.WriteAllLinesAsync(second, ["email,topics", "same@example.org,\"grokking; diffusion\"", "moved@example.org,\"Diffusion; grokking\""]);
        const string Versions = "SELECT string_agg(st.ctid::text || st.xmin::text, ',' ORDER BY st.position) FROM subscriber_topics st JOIN subscribers s ON s.id = st.subscriber_id WHERE s.email = 'same@example.org'";

        await Cli.RunAsync(_host.Settings, "subscriber", "import", first);
        string? before;
        await using (var db = new NpgsqlConnection(_host.ConnectionString))
            before = await db.ExecuteScalarAsync<string>(Versions);
        var again = await Cli.RunAsync(_host.Settings, "subscriber", "import", second);
        var export = await Cli.RunAsync(_host.Settings, "subscriber", "export");

        Assert.Contains("added 0, updated 2, rejected 0", again.Output);
        Assert.Contains("same@example.org,grokking; diffusion,", export.Output);
        Assert.Contains("moved@example.org,Diffusion; grokking,", export.Output);
        Assert.Equal(4, await CountAsync("SELECT count(*) FROM subscriber_topics"));
        // The unchanged person's topic rows are the very rows the first import wrote: a re-import writes only changes.
        await using (var db = new NpgsqlConnection(_host.ConnectionString))
            Assert.Equal(before, await db.ExecuteScalarAsync<string>(Versions));
    }

    [Fact]
    public async Task A_csv_import_larger_than_a_batch_saves_every_row_says_how_far_it_got_and_reports_bad_rows_by_line()
    {
        var rows = 3 * SubscriberCsv.BatchSize + 7;
        var file = Path.Combine(_host.Folder, "many.csv");
        await File.WriteAllLinesAsync(file, Enumerable.Range(0, rows)
            .Select(i => i == SubscriberCsv.BatchSize + 1 ? "broken-address,grokking" : $"p{i}@example.org,\"grokking; topic{i % 50}\"")
            .Prepend("email,topics"));

        var import = await Cli.RunAsync(_host.Settings, "subscriber", "import", file);

        Assert.Equal(2, import.ExitCode);
        Assert.Contains($"added {rows - 1}, updated 0, rejected 1", import.Output);
        Assert.Contains($"line {SubscriberCsv.BatchSize + 3}: 'broken-address' is not an email address", import.Error);
        Assert.Matches(@"… [\d,]+ rows saved", import.Error);
        Assert.Equal(rows - 1, await CountAsync("SELECT count(*) FROM subscribers"));
        Assert.Equal(2 * (rows - 1), await CountAsync("SELECT count(*) FROM subscriber_topics"));
        Assert.Equal(51, await CountAsync("SELECT count(*) FROM topics"));
    }

    [Fact]
    public async Task A_csv_without_the_required_columns_is_refused_whole()
    {
        var response = await _web.Http.PostAsync("/api/admin/subscribers/import", new StringContent("mail,interests\na@example.org,x\n", Encoding.UTF8, "text/csv"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("the header must name the columns email and topics", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM subscribers"));
    }

    [Fact]
    public async Task The_admin_api_wants_its_key()
    {
        using var anonymous = new HttpClient { BaseAddress = _web.Address };
        using var wrong = new HttpClient { BaseAddress = _web.Address };
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "guess");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/admin/subscribers.csv")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/admin/subscribers.csv")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _web.Http.GetAsync("/api/admin/subscribers.csv")).StatusCode);
    }

    [Fact]
    public async Task Suppress_stops_mail_and_unsuppress_lets_it_go_again()
    {
        var email = $"sup-{Guid.NewGuid():N}@example.org";
        await Cli.RunAsync(_host.Settings, "subscriber", "add", email, "--topic", "grokking");

        var suppressed = await _web.Http.PostAsJsonAsync("/api/admin/suppressions", new { email, reason = "complaint" });
        var blocked = await Cli.RunAsync(_host.Settings, "send-now", "--all");
        var listed = await _web.Http.GetStringAsync("/api/admin/suppressions");
        var lifted = await Cli.RunAsync(_host.Settings, "subscriber", "unsuppress", email);
        var sent = await Cli.RunAsync(_host.Settings, "send-now", "--all");

        Assert.Equal(HttpStatusCode.NoContent, suppressed.StatusCode);
        Assert.Contains("Sent: 0,", blocked.Output);
        Assert.Contains("complaint", listed);
        Assert.Equal(0, lifted.ExitCode);
        Assert.Contains("Sent: 1,", sent.Output);
        Assert.Single(await TestMailServer.WaitForAsync(email));
        var bad = await _web.Http.PostAsJsonAsync("/api/admin/suppressions", new { email = "x\r\nBcc: y@example.org", reason = "" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Preview_shows_the_next_digest_without_planning_it_and_stats_count_by_day()
    {
        var email = $"preview-{Guid.NewGuid():N}@example.org";
        await Cli.RunAsync(_host.Settings, "subscriber", "add", email, "--topic", "grokking");

        var html = await _web.Http.GetStringAsync($"/api/admin/subscribers/preview?email={Uri.EscapeDataString(email)}");
        var cli = await Cli.RunAsync(_host.Settings, "digests", "preview", email);

        Assert.Contains("Grokking at the Edge of Numerical Stability", html);
        Assert.Contains("Grokking at the Edge of Numerical Stability", cli.Output);
        // A snippet cut from inside an abstract is marked so at its start or its end.
        Assert.Matches("color:#374151;\">… |[^.!?] …</div>", html);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM digests"));

        await Cli.RunAsync(_host.Settings, "send-now", "--all");
        var stats = await Cli.RunAsync(_host.Settings, "digests", "stats");
        Assert.Matches(@"\d{4}-\d{2}-\d{2}\s+1\s+1\s+0\s+0\s+0\s+0", stats.Output);

        // Someone who gets no mail has no next digest to show.
        await Cli.RunAsync(_host.Settings, "subscriber", "suppress", email);
        var suppressed = await _web.Http.GetAsync($"/api/admin/subscribers/preview?email={Uri.EscapeDataString(email)}");
        var suppressedCli = await Cli.RunAsync(_host.Settings, "digests", "preview", email);
        Assert.Equal(HttpStatusCode.Conflict, suppressed.StatusCode);
        Assert.Contains("gets no digest now", await suppressed.Content.ReadAsStringAsync());
        Assert.Equal(1, suppressedCli.ExitCode);
        Assert.Contains("gets no digest now", suppressedCli.Error);
    }

    [Fact]
    public async Task Preview_holds_the_listings_the_planner_then_plans_in_the_same_order()
    {
        var email = $"order-{Guid.NewGuid():N}@example.org";
        await Cli.RunAsync(_host.Settings, "subscriber", "add", email, "--topic", "grokking", "--topic", "transformer OR generalization -medical", "--max-items", "6");

        var preview = (await Cli.RunAsync(_host.Settings, "digests", "preview", email)).Output;
        await Cli.RunAsync(_host.Settings, "send-now", "--all");
        await using var db = new NpgsqlConnection(_host.ConnectionString);
        var planned = (await db.QueryAsync<string>(
            "SELECT l.title FROM digests d JOIN subscribers s ON s.id = d.subscriber_id, unnest(d.listing_ids) WITH ORDINALITY x(id, k) " +
            "JOIN listings l ON l.id = x.id WHERE s.email = @email ORDER BY x.k", new { email })).ToList();

        Assert.Equal(6, planned.Count);
        var positions = planned.Select(t => preview.IndexOf(System.Net.WebUtility.HtmlEncode(t), StringComparison.Ordinal)).ToList();
        Assert.All(positions, p => Assert.True(p >= 0, "every planned listing is in the preview"));
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public async Task Sources_are_added_listed_and_refused_through_the_api()
    {
        var bad = await _web.Http.PostAsJsonAsync("/api/admin/sources", new { name = "x", url = "file:///etc/passwd" });
        var added = await _web.Http.PostAsJsonAsync("/api/admin/sources", new { name = "arxiv-cs-lg", url = "https://export.example.org/cs.LG.atom" });
        var again = await _web.Http.PostAsJsonAsync("/api/admin/sources", new { name = "arxiv-cs-lg", url = "https://export.example.org/other" });
        var list = await _web.Http.GetStringAsync("/api/admin/sources");

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("https://export.example.org/cs.LG.atom", list);
        var unknown = await _web.Http.PostAsync("/api/admin/sources/nope/run", null);
        Assert.True(unknown.StatusCode == HttpStatusCode.NotFound, $"{unknown.StatusCode}: {_web.Errors}");
    }

    [Fact]
    public async Task Resend_puts_a_failed_digest_back_but_never_a_sent_one()
    {
        var email = $"resend-{Guid.NewGuid():N}@example.org";
        await Cli.RunAsync(_host.Settings, "subscriber", "add", email, "--topic", "grokking");
        await Cli.RunAsync(_host.Settings, "send-now", "--all");
        var id = await CountAsync($"SELECT d.id FROM digests d JOIN subscribers s ON s.id = d.subscriber_id WHERE s.email = '{email}'");

        var refused = await _web.Http.PostAsync($"/api/admin/digests/{id}/resend", null);
        await using (var db = new NpgsqlConnection(_host.ConnectionString))
            await db.ExecuteAsync("UPDATE digests SET status = 'failed' WHERE id = @id", new { id });
        var accepted = await Cli.RunAsync(_host.Settings, "digests", "resend", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Cli.RunAsync(_host.Settings, "send-now");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(0, accepted.ExitCode);
        Assert.Equal(2, (await TestMailServer.WaitForAsync(email, count: 2)).Count);
    }
}
