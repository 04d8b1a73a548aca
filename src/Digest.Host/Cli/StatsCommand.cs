using System.CommandLine;
using System.Globalization;
using Digest.Data.Repositories;
using Digest.Host.Startup;

namespace Digest.Host.Cli;

/// <summary>`digest stats`: the counts an operator would otherwise ask psql for.</summary>
internal static class StatsCommand
{
    private static readonly string[] Counted = ["listings", "sources", "subscribers", "digests"];

    public static Command Create(IReadOnlyDictionary<string, string?>? overrides)
    {
        var command = new Command("stats", "Counts: listings, sources, subscribers and digests by state, the last planning cycle.");
        command.SetAction(async (_, ct) =>
        {
            using var host = await DigestHost.BuildCliAsync(overrides, ct);
            var rows = await host.Services.GetRequiredService<StatsRepository>().ReadAsync(ct);
            foreach (var what in Counted)
                Console.WriteLine($"{what,-20} {Line(rows.Where(r => r.What == what).ToList())}");
            var cycle = rows.FirstOrDefault(r => r.What == "last planning cycle");
            Console.WriteLine($"{"last planning cycle",-20} {(cycle?.At is { } at ? $"{at:u}, digests planned: {N(cycle.Count)}" : "none")}");
            return 0;
        });
        return command;
    }

    /// <summary>The total, then each state's count, largest first ("3: ok 2, failing 1").</summary>
    private static string Line(List<StatsRow> rows)
    {
        var total = N(rows.Sum(r => r.Count));
        var states = rows.Where(r => r.State.Length > 0).OrderByDescending(r => r.Count).ThenBy(r => r.State, StringComparer.Ordinal).ToList();
        return states.Count == 0 ? total : $"{total}: {string.Join(", ", states.Select(r => $"{r.State} {N(r.Count)}"))}";
    }

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
