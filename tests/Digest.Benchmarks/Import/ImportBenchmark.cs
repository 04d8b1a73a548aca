using System.Diagnostics;
using System.Globalization;
using Digest.Core.Subscribers;
using Digest.Data.Repositories;
using Digest.Host.Admin;
using Digest.Host.Startup;
using Microsoft.Extensions.DependencyInjection;

namespace Digest.Benchmarks.Import;

/// <summary>
/// `digest subscriber import` of a generated CSV: 100,000 new people with 1-3 topics each (drawn from 2,000
/// distinct ones) and a mix of schedules, parsed and checked as the CLI does and saved set-based; then the same
/// file again (every row an update). Beside it, the former way (one transaction per person, as
/// SubscriberRepository.SaveAsync saves a sign-up) on a sample of other people, as a baseline in the same run.
/// Options: --rows N (100000), --baseline-rows N (5000).
/// </summary>
public sealed class ImportBenchmark : IBenchmark
{
    private static readonly string[] Words =
    [
        "grokking", "diffusion", "transformer", "retrieval", "reasoning", "alignment", "quantization", "distillation",
        "robotics", "speech", "vision", "graph", "protein", "weather", "agents", "benchmark", "sparse", "attention",
        "memory", "compression", "privacy", "fairness", "tabular", "video", "music", "chemistry", "planning", "search",
        "tokenizer", "scaling", "pruning", "federated", "causal", "bayesian", "kernel", "contrastive", "multimodal",
        "segmentation", "translation", "summarization",
    ];

    private static readonly string[] Zones = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney"];

    public string Name => "import";

    public string Description => "import a 100,000-row subscriber CSV, set-based, beside one-at-a-time saves (target: 20,000 rows/s)";

    public async Task RunAsync(BenchmarkContext context, CancellationToken ct)
    {
        int rows = context.Option("--rows", 100_000), baselineRows = context.Option("--baseline-rows", 5_000);
        var settings = new Dictionary<string, string?> { ["Database:ConnectionString"] = context.ConnectionString, ["Logging:LogLevel:Default"] = "Warning" };
        using var host = await DigestHost.BuildCliAsync(settings, ct);
        Directory.CreateDirectory(context.Folder);
        var file = Path.Combine(context.Folder, "subscribers.csv");
        await File.WriteAllLinesAsync(file, Lines("import", rows).Prepend("email,topics,frequency,hour,zone,weekday,max_items"), ct);
        var csv = host.Services.GetRequiredService<SubscriberCsv>();

        var first = await ImportAsync(csv, file, ct);
        context.Report($"import of {rows:N0} new people", Rate(rows, first.Seconds) + $" (added {first.Report.Added:N0}, rejected {first.Report.Rejected.Count})");
        var again = await ImportAsync(csv, file, ct);
        context.Report($"the same file again ({rows:N0} updates)", Rate(rows, again.Seconds) + $" (updated {again.Report.Updated:N0})");

        var baseline = await OneAtATimeAsync(host.Services.GetRequiredService<SubscriberRepository>(), baselineRows, ct);
        context.Report($"baseline: one transaction per person ({baselineRows:N0})", Rate(baselineRows, baseline));
        context.Report("set-based over one at a time", $"{baseline / baselineRows / (first.Seconds / rows):0.0}×");
    }

    private static async Task<(ImportReport Report, double Seconds)> ImportAsync(SubscriberCsv csv, string file, CancellationToken ct)
    {
        using var reader = new StreamReader(file);
        var watch = Stopwatch.StartNew();
        var report = await csv.ImportAsync(reader, progress: null, ct);
        return (report, watch.Elapsed.TotalSeconds);
    }

    /// <summary>The former import: each row checked by the same rules, then saved in a transaction of its own.</summary>
    private static async Task<double> OneAtATimeAsync(SubscriberRepository subscribers, int count, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        foreach (var line in Lines("baseline", count))
        {
            var fields = line.Split(',');
            var (choices, errors) = SubscriptionChoices.Parse(new SubscriptionChoices.Input(
                fields[1].Trim('"').Split(';', StringSplitOptions.TrimEntries), fields[2], fields[3], fields[4], fields[5], fields[6]));
            if (errors.Count > 0 || !EmailAddress.TryNormalise(fields[0], out var email, out _)) throw new InvalidOperationException(line);
            await subscribers.SaveAsync(new Subscriber { Email = email, Status = SubscriberStatus.Active, Schedule = choices!.Schedule, MaxItems = choices.MaxItems },
                choices.Topics, ct);
        }
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>Rows like an export from another list: 1-3 topics of 1-2 words, a quarter weekly, zones and hours mixed.</summary>
    private static IEnumerable<string> Lines(string prefix, int count)
    {
        var random = new Random(20261201);
        for (var i = 0; i < count; i++)
        {
            var topics = Enumerable.Range(0, random.Next(1, 4)).Select(_ => Topic(random.Next(2_000)));
            var weekly = random.Next(4) == 0;
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{prefix}-{i}@example.org,\"{string.Join("; ", topics)}\",{(weekly ? "weekly" : "daily")},{random.Next(24)},{Zones[random.Next(Zones.Length)]},{(weekly ? "friday" : "")},{random.Next(5, 21)}");
        }
    }

    private static string Topic(int n) => n < Words.Length ? Words[n] : $"{Words[n % Words.Length]} {Words[n / Words.Length % Words.Length]}";

    private static string Rate(int rows, double seconds) => $"{rows / seconds:N0} rows/s ({seconds:0.0} s)";
}
