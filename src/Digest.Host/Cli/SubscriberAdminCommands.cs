using System.CommandLine;
using Digest.Core.Subscribers;
using Digest.Data.Repositories;
using Digest.Host.Admin;
using Digest.Host.Startup;

namespace Digest.Host.Cli;

/// <summary>`digest subscriber import|export|suppress|unsuppress`: the operators' bulk and bounce tools.</summary>
internal static class SubscriberAdminCommands
{
    public static IEnumerable<Command> Create(IReadOnlyDictionary<string, string?>? overrides)
    {
        yield return Import(overrides);
        yield return Export(overrides);
        yield return Suppress(overrides);
        yield return Unsuppress(overrides);
    }

    private static Command Import(IReadOnlyDictionary<string, string?>? overrides)
    {
        var file = new Argument<string>("FILE") { Description = "CSV with a header: email, topics (';'-separated), and optionally frequency, hour, zone, weekday, max_items, status." };
        var command = new Command("import", "Add or update subscribers from a CSV file; reports every refused row with its line.") { file };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                Console.Error.WriteLine($"{path}: no such file");
                return 1;
            }
            using var host = await DigestHost.BuildCliAsync(overrides, ct);
            using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
            // Long imports say how far they got, on stderr so stdout stays the report.
            var progress = new Progress<int>(n => Console.Error.WriteLine($"  … {n:N0} rows saved"));
            var report = await host.Services.GetRequiredService<SubscriberCsv>().ImportAsync(reader, progress, ct);
            Console.WriteLine($"{path}: added {report.Added}, updated {report.Updated}, rejected {report.Rejected.Count}");
            foreach (var r in report.Rejected) Console.Error.WriteLine($"  rejected {r}");
            return report.Rejected.Count > 0 ? 2 : 0;
        });
        return command;
    }

    private static Command Export(IReadOnlyDictionary<string, string?>? overrides)
    {
        var output = new Option<string?>("--output") { Description = "Write to this file instead of standard output." };
        var command = new Command("export", "Write every subscriber as CSV (the import format, plus a suppressed column).") { output };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await DigestHost.BuildCliAsync(overrides, ct);
            var csv = host.Services.GetRequiredService<SubscriberCsv>();
            if (parse.GetValue(output) is not { } path)
            {
                await csv.ExportAsync(Console.Out, ct);
                return 0;
            }
            await using (var writer = new StreamWriter(path))
            {
                var count = await csv.ExportAsync(writer, ct);
                Console.WriteLine($"{count} subscribers written to {path}");
            }
            return 0;
        });
        return command;
    }

    private static Command Suppress(IReadOnlyDictionary<string, string?>? overrides)
    {
        var email = new Argument<string>("EMAIL");
        var reason = new Option<string>("--reason") { Description = "Why, for the record.", DefaultValueFactory = _ => "operator" };
        var command = new Command("suppress", "Stop all mail to an address (a complaint, a bounce seen elsewhere).") { email, reason };
        command.SetAction(async (parse, ct) =>
        {
            if (!EmailAddress.TryNormalise(parse.GetValue(email), out var address, out var error))
            {
                Console.Error.WriteLine(error);
                return 2;
            }
            using var host = await DigestHost.BuildCliAsync(overrides, ct);
            await host.Services.GetRequiredService<SubscriberRepository>().SuppressAsync(address, parse.GetValue(reason)!, ct);
            Console.WriteLine($"{address} is suppressed: no more mail goes to it.");
            return 0;
        });
        return command;
    }

    private static Command Unsuppress(IReadOnlyDictionary<string, string?>? overrides)
    {
        var email = new Argument<string>("EMAIL");
        var command = new Command("unsuppress", "Let mail go to an address again.") { email };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await DigestHost.BuildCliAsync(overrides, ct);
            var done = await host.Services.GetRequiredService<SubscriberRepository>().UnsuppressAsync(parse.GetValue(email)!, ct);
            Console.WriteLine(done ? $"{parse.GetValue(email)} may be mailed again." : $"{parse.GetValue(email)} was not suppressed.");
            return done ? 0 : 1;
        });
        return command;
    }
}
