using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Digest.Data;
using Digest.Data.Repositories;
using Digest.Host.Jobs;
using Digest.Host.OperatorConsole;
using Digest.Host.Startup;
using Digest.IntegrationTests.Infrastructure;

namespace Digest.Benchmarks.OperatorConsole;

/// <summary>
/// Every console page, asked for over HTTP by a signed-in operator of the real web app, over a database of a million
/// people and a million listings (<see cref="ConsolePagesFill"/>): the median time to the whole answer, beside the
/// sign-in page (no database work: the floor of HTTP and rendering) measured in the same run.
/// </summary>
public sealed partial class ConsolePagesBenchmark : IBenchmark
{
    public string Name => "console-pages";

    public string Description => "every console page over --people N (1,000,000) people and --listings N (1,000,000) listings, beside the sign-in page";

    private const int Repeats = 7;
    private const double TargetMs = 300;

    public async Task RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        int people = context.Option("--people", 1_000_000), listings = context.Option("--listings", 1_000_000);
        await using (var db = DataSourceFactory.Create(context.ConnectionString))
        {
            var fill = Stopwatch.StartNew();
            await ConsolePagesFill.RunAsync(db, people, listings, ct);
            context.Report("stored (and analysed)", $"{people:N0} people, {listings:N0} listings ({ConsolePagesFill.ListingsPerDay:N0} a day), {people:N0} digests in {fill.Elapsed.TotalSeconds:0} s");
        }
        var settings = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = context.ConnectionString, ["Logging:LogLevel:Default"] = "Warning", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Error",
            ["Ingest:InboxDirectory"] = "",
        };
        await using var app = await RunningApp.StartAsync(settings, Role.Web);
        // A running installation's planner makes the window's listing vectors within a minute of their arrival.
        var indexing = Stopwatch.StartNew();
        var vectors = await app.Get<PlanningRepository>().IndexWindowAsync(NodaTime.SystemClock.Instance.GetCurrentInstant() - NodaTime.Duration.FromDays(7), ct);
        context.Report("the window's listing vectors made (the planner's first step)", $"{vectors:N0} in {indexing.Elapsed.TotalSeconds:0.0} s");
        // The overview reads what this job counts once a minute: its first count (every day of the charts) and a later one.
        var figures = app.Get<ConsoleFiguresJob>();
        var counting = Stopwatch.StartNew();
        var days = await figures.CountAsync(ct);
        context.Report("counting the overview's figures, first time", $"{counting.Elapsed.TotalMilliseconds:0} ms ({days} days)");
        counting.Restart();
        days = await figures.CountAsync(ct);
        context.Report("counting them again (the job, every minute)", $"{counting.Elapsed.TotalMilliseconds:0} ms ({days} days that may still change, and the totals)");
        counting.Restart();
        await app.Get<StatsRepository>().CountTopicsAsync(ConsoleFiguresJob.TopicsShown, ct);
        context.Report("counting the topics page (the same job, hourly)", $"{counting.Elapsed.TotalMilliseconds:0} ms ({ConsoleFiguresJob.TopicsShown} topics)");
        var password = OperatorPasswords.Generate();
        await app.Get<OperatorRepository>().AddAsync("bench", new OperatorPasswords().Hash(password), ct);
        // An operator's browser: it keeps the session cookie.
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = app.Address };

        var floor = await MedianAsync(http, "/admin/sign-in", ct);
        context.Report("sign-in page (floor: no database work)", Ms(floor));
        await SignInAsync(http, password, ct);
        var middle = people / 2;
        foreach (var (label, path) in Pages(middle, listings))
        {
            var ms = await MedianAsync(http, path, ct);
            context.Report(label, $"{Ms(ms)}, {ms / floor:0}× the floor, {(ms <= TargetMs ? "within" : "OVER")} {TargetMs:0} ms");
        }
    }

    private static IEnumerable<(string Label, string Path)> Pages(int middle, int listings) =>
    [
        ("overview", "/admin"),
        ("subscribers: address search, first page", "/admin/subscribers?q=person-"),
        ("subscribers: address search, a middle page", $"/admin/subscribers?q=person-&after=person-{middle:0000000}%40example.org"),
        ("subscribers: topic search", "/admin/subscribers?q=topic-7&by=topic"),
        ("a person's page", $"/admin/subscribers/{middle}"),
        ("digests (failed and cancelled)", "/admin/digests"),
        ("a returning reader's next digest, previewed", $"/admin/digests/preview?email=person-{middle + 1:0000000}%40example.org"),
        ("a newcomer's first digest, previewed", "/admin/digests/preview?email=newcomer%40example.org"),
        ("sources (and the inbox folder's files)", "/admin/sources"),
        ("listing search, a title from yesterday", $"/admin/listings?q=Listing+{listings - ConsolePagesFill.ListingsPerDay - 7}+on"),
        ("listing search, a title half-way down", $"/admin/listings?q=Listing+{listings / 2}+on"),
        ("listing search, a title no listing has", "/admin/listings?q=no+such+title"),
        ("bounces", "/admin/bounces"),
        ("topics", "/admin/topics"),
        ("audit log", "/admin/audit"),
        ("import", "/admin/subscribers/import"),
    ];

    private static async Task SignInAsync(HttpClient http, string password, CancellationToken ct)
    {
        var page = await http.GetStringAsync("/admin/sign-in", ct);
        var token = WebUtility.HtmlDecode(Antiforgery().Match(page).Groups[1].Value);
        using var form = new FormUrlEncodedContent([new("_af", token), new("name", "bench"), new("password", password), new("next", "/admin")]);
        using var answer = await http.PostAsync("/admin/sign-in", form, ct);
        if (answer.StatusCode != HttpStatusCode.Redirect && answer.StatusCode != HttpStatusCode.SeeOther)
            throw new InvalidOperationException($"Signing in answered {(int)answer.StatusCode}.");
    }

    /// <summary>The median over <see cref="Repeats"/> requests after one to warm up; a page that does not answer 200 stops the run.</summary>
    private static async Task<double> MedianAsync(HttpClient http, string path, CancellationToken ct)
    {
        var times = new List<double>();
        for (var i = 0; i <= Repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            using var answer = await http.GetAsync(path, ct);
            await answer.Content.ReadAsByteArrayAsync(ct);
            if (answer.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{path} answered {(int)answer.StatusCode}.");
            if (i > 0) times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static string Ms(double ms) => $"{ms:0.0} ms (median of {Repeats})";

    [GeneratedRegex("name=\"_af\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();
}
