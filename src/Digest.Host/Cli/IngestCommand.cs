using System.CommandLine;
using Digest.Host.Startup;
using Digest.Ingest;

namespace Digest.Host.Cli;

internal static class IngestCommand
{
    public static Command Create(IReadOnlyDictionary<string, string?>? overrides)
    {
        var files = new Argument<string[]>("FILE") { Arity = ArgumentArity.OneOrMore, Description = "Files of listings: JSON Lines or scraped papers-page text." };
        var source = new Option<string>("--source") { Description = "The source name to record.", DefaultValueFactory = _ => "cli" };
        var command = new Command("ingest", "Read listings from files and store them; prints seen, new, duplicate and rejected counts.") { files, source };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await DigestHost.BuildCliAsync(overrides, ct);
            var ingestor = host.Services.GetRequiredService<Ingestor>();
            var exit = 0;
            foreach (var file in parse.GetValue(files)!)
            {
                if (!File.Exists(file))
                {
                    Console.Error.WriteLine($"{file}: no such file");
                    exit = 1;
                    continue;
                }
                var report = await ingestor.IngestFileAsync(file, parse.GetValue(source)!, ct);
                Print(file, report);
                if (report.Error is not null) exit = 1;
                else if (report.Rejected > 0 && exit == 0) exit = 2;
            }
            return exit;
        });
        return command;
    }

    private static void Print(string file, IngestReport report)
    {
        if (report.Error is not null)
        {
            Console.Error.WriteLine($"{file}: {report.Error}");
            return;
        }
        Console.WriteLine($"{file} ({report.Format}): seen {report.Seen}, new {report.Inserted}, duplicate {report.Duplicate}, rejected {report.Rejected}");
        if (report.SkippedSummary() is { } skipped) Console.WriteLine($"  {skipped}");
        foreach (var rejection in report.Rejections.Take(20)) Console.Error.WriteLine($"  rejected {rejection}");
        if (report.Rejected > 20) Console.Error.WriteLine($"  … and {report.Rejected - 20} more rejected");
    }
}
