using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.IntegrationTests.Infrastructure;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>
/// Every form the console shows, found by reading its pages as a signed-in operator, posted as another site would make
/// an operator's browser post it: without the page's antiforgery token, or with a forged one. Each is refused and
/// nothing stored changes.
/// </summary>
public sealed partial class ConsoleCsrfTests : ConsoleTest
{
    [Fact]
    public async Task Every_console_form_refuses_a_post_without_its_token_and_changes_nothing()
    {
        var subscribers = Host.Get<SubscriberRepository>();
        var active = (await subscribers.SaveAsync(new Subscriber { Email = "active@example.org", Status = SubscriberStatus.Active },
            [("grokking", TopicParser.Parse("grokking"))])).Id;
        var paused = (await subscribers.SaveAsync(new Subscriber { Email = "paused@example.org", Status = SubscriberStatus.Paused },
            [("grokking", TopicParser.Parse("grokking"))])).Id;
        await subscribers.SuppressAsync("paused@example.org", "hard bounce");
        Assert.True(await Host.Get<SourceRepository>().AddAsync("papers", "https://papers.example/feed.xml"));
        await using (var db = new NpgsqlConnection(Host.ConnectionString))
            await db.ExecuteAsync("""
                INSERT INTO digests (subscriber_id, period, status, due_at, attempts, last_error, cycle_id)
                VALUES (@active, current_date, 'failed', now(), 8, '550 5.1.1 mailbox unavailable', (SELECT max(id) FROM planning_cycles))
                """, new { active });

        using var client = new FormClient(Web.Address);
        var (signedIn, _) = await client.SubmitAsync("/admin/sign-in", "/admin/sign-in", ("name", OperatorName), ("password", Password), ("next", "/admin"));
        Assert.Equal(HttpStatusCode.Redirect, signedIn);
        string[] pages = ["/admin", "/admin/subscribers", $"/admin/subscribers/{active}", $"/admin/subscribers/{paused}", $"/admin/subscribers/{active}/delete",
            $"/admin/subscribers/{active}/edit",
            "/admin/digests", "/admin/sources", "/admin/subscribers/import", "/admin/bounces", "/admin/topics", "/admin/audit", "/admin/listings?q=x"];
        var forms = new Dictionary<string, (bool Multipart, List<KeyValuePair<string, string>> Fields)>();
        foreach (var path in pages)
        {
            var html = await client.Http.GetStringAsync(path);
            foreach (Match form in PostForm().Matches(html))
            {
                var action = WebUtility.HtmlDecode(FormAction().Match(form.Groups["attrs"].Value).Groups[1].Value);
                var inputs = Input().Matches(form.Groups["body"].Value).Select(i => (Name: i.Groups["name"].Value, Value: WebUtility.HtmlDecode(i.Groups["value"].Value))).ToList();
                Assert.True(inputs.Any(i => i.Name == "_af"), $"The form posting to {action} on {path} carries no antiforgery token.");
                forms[action] = (form.Groups["attrs"].Value.Contains("multipart/form-data", StringComparison.Ordinal),
                    inputs.Where(i => i.Name != "_af").Select(i => new KeyValuePair<string, string>(i.Name, i.Value.Length > 0 ? i.Value : "x")).ToList());
            }
        }
        string[] expected = ["/admin/sign-out", "/admin/figures", $"/admin/subscribers/{active}/pause", $"/admin/subscribers/{active}/suppress",
            $"/admin/subscribers/{paused}/resume", $"/admin/subscribers/{paused}/unsuppress", $"/admin/subscribers/{active}/delete",
            $"/admin/subscribers/{active}/edit",
            "/admin/sources", "/admin/sources/papers/pause", "/admin/sources/papers/run", "/admin/subscribers/import"];
        Assert.All(expected, action => Assert.Contains(action, forms.Keys));
        Assert.Contains(forms.Keys, a => a.EndsWith("/resend", StringComparison.Ordinal));

        var before = await StoredAsync();
        foreach (var (action, (multipart, fields)) in forms)
        {
            foreach (var token in new[] { null, "forged-token" })
            {
                var body = token is null ? fields : [new("_af", token), .. fields];
                using var content = multipart ? Multipart(body) : (HttpContent)new FormUrlEncodedContent(body);
                var answer = await client.Http.PostAsync(action, content);
                Assert.True(answer.StatusCode == HttpStatusCode.BadRequest, $"{action} with token {token ?? "(none)"} answered {(int)answer.StatusCode}.");
                Assert.Contains("Nothing was changed", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }
        Assert.Equal(before, await StoredAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync("/admin/audit")).StatusCode);
    }

    private static MultipartFormDataContent Multipart(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, value) in fields) content.Add(new StringContent(value), name);
        content.Add(new ByteArrayContent("email,topics\nnew@example.org,grokking\n"u8.ToArray()), "file", "people.csv");
        return content;
    }

    /// <summary>What any console form could change, read as one string: people, suppressions, sources, digests, imports, jobs, the audit log, the figures.</summary>
    private async Task<string> StoredAsync()
    {
        await using var db = new NpgsqlConnection(Host.ConnectionString);
        return await db.QuerySingleAsync<string>("""
            SELECT concat_ws(' | ',
                (SELECT string_agg(id || ':' || status || ':' || send_hour || ':' || max_items, ',' ORDER BY id) FROM subscribers),
                (SELECT string_agg(subscriber_id || ':' || topic_id, ',' ORDER BY subscriber_id, topic_id) FROM subscriber_topics),
                (SELECT string_agg(email_key, ',' ORDER BY email_key) FROM suppressions),
                (SELECT string_agg(name || ':' || enabled || ':' || next_run_at, ',' ORDER BY name) FROM sources),
                (SELECT string_agg(id || ':' || status || ':' || attempts, ',' ORDER BY id) FROM digests),
                (SELECT count(*) FROM subscriber_imports), (SELECT count(*) FROM hangfire.job),
                (SELECT count(*) FROM audit_log), (SELECT string_agg(what || state || counted_at, ',') FROM console_totals))
            """);
    }

    [GeneratedRegex("""<form(?<attrs>[^>]*method="post"[^>]*)>(?<body>.*?)</form>""", RegexOptions.Singleline)]
    private static partial Regex PostForm();

    [GeneratedRegex("action=\"([^\"]*)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("""<input[^>]*name="(?<name>[^"]+)"[^>]*?(?:value="(?<value>[^"]*)")?[^>]*>""")]
    private static partial Regex Input();
}
