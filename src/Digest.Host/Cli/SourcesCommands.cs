using System.CommandLine;
using Digest.Data.Repositories;
using Digest.Host.Startup;
using Digest.Ingest;

namespace Digest.Host.Cli;

/// <summary>`digest sources list|add|run|status`: the feeds Digest pulls, and how they are doing.</summary>
internal static class SourcesCommands
{
    public static Command Create(IReadOnlyDictionary<string, string?>? overrides) =>
        new("sources", "Feed sources: list, add, pull now, show recent runs.") { List(overrides), Add(overrides), Run(overrides), Status(overrides) };

    private static Command List(IReadOnlyDictionary<string, string?>? overrides)
    {
        var command = new Command("list", "Every source: last run, last success, error state, the last run's counts.");
        command.SetAction(async (_, ct) =>
        {
            using var host = await DigestHost.BuildCliAsync(overrides, ct);
            foreach (var s in await host.Services.GetRequiredService<SourceRepository>().ListAsync(ct))
            {
                var last = s.LastRunAt is null ? "never run" : $"last run {s.LastRunAt:u}: seen {s.LastSeen}, new {s.LastNew}, duplicate {s.LastDuplicate}, rejected {s.LastRejected}";
                Console.WriteLine($"{s.Name} ({s.Kind}) {s.Url}\n  {last}; next {s.NextRunAt:u}{(s.LastError is null ? "" : $"\n  error ({s.ConsecutiveFailures} in a row): {s.LastError}")}");
            }
            return 0;
        });
        return command;
    }

    private static Command Add(IReadOnlyDictionary<string, string?>? overrides)
    {
        var name = new Argument<string>("NAME") { Description = "Lower case letters, digits, '.', '_' or '-'." };
        var url = new Option<string>("--url") { Description = "The feed's http(s) address (RSS, Atom, JSON Feed, JSON Lines, daily-papers JSON).", Required = true };
        var command = new Command("add", "Add a feed; it is pulled at the next cycle.") { name, url };
        command.SetAction(async (parse, ct) =>
        {
            var error = SourceRules.Check(parse.GetValue(name), parse.GetValue(url));
            if (error is not null)
            {
                Console.Error.WriteLine(error);
                return 2;
            }
            using var host = await DigestHost.BuildCliAsync(overrides, ct);
            if (!await host.Services.GetRequiredService<SourceRepository>().AddAsync(parse.GetValue(name)!, parse.GetValue(url)!, ct))
            {
                Console.Error.WriteLine($"A source named '{parse.GetValue(name)}' exists already.");
                return 2;
            }
            Console.WriteLine($"Added source {parse.GetValue(name)}.");
            return 0;
        });
        return command;
    }

    private static Command Run(IReadOnlyDictionary<string, string?>? overrides)
    {
        var name = new Argument<string>("NAME");
        var command = new Command("run", "Pull a source now, whatever its schedule; prints the counts.") { name };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await DigestHost.BuildCliAsync(overrides, ct);
            var source = await host.Services.GetRequiredService<SourceRepository>().GetAsync(parse.GetValue(name)!, ct);
            if (source is null)
            {
                Console.Error.WriteLine($"No source named '{parse.GetValue(name)}'.");
                return 1;
            }
            var report = await host.Services.GetRequiredService<FeedPuller>().PullAsync(source, ct);
            if (report.Error is not null)
            {
                Console.Error.WriteLine($"{source.Name}: {report.Error}");
                return 1;
            }
            Console.WriteLine($"{source.Name} ({report.Format}): seen {report.Seen}, new {report.Inserted}, duplicate {report.Duplicate}, rejected {report.Rejected}");
            foreach (var r in report.Rejections.Take(20)) Console.Error.WriteLine($"  rejected {r}");
            return report.Rejected > 0 ? 2 : 0;
        });
        return command;
    }

    private static Command Status(IReadOnlyDictionary<string, string?>? overrides)
    {
        var name = new Argument<string>("NAME");
        var command = new Command("status", "A source's latest runs, newest first.") { name };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await DigestHost.BuildCliAsync(overrides, ct);
            foreach (var r in await host.Services.GetRequiredService<SourceRepository>().RunsAsync(parse.GetValue(name)!, 20, ct))
                Console.WriteLine($"{r.StartedAt:u} seen {r.Seen}, new {r.Inserted}, duplicate {r.Duplicate}, rejected {r.Rejected}{(r.Error is null ? "" : " - " + r.Error)}");
            return 0;
        });
        return command;
    }
}
