using System.CommandLine;
using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.Host.Startup;

namespace Digest.Host.Cli;

/// <summary>`digest digests preview|resend|stats`: look at and act on the outbox.</summary>
internal static class DigestsCommands
{
    public static Command Create(IReadOnlyDictionary<string, string?>? overrides) =>
        new("digests", "Preview, resend and count digests.") { Preview(overrides), Resend(overrides), Stats(overrides) };

    private static Command Preview(IReadOnlyDictionary<string, string?>? overrides)
    {
        var email = new Argument<string>("EMAIL");
        var output = new Option<string?>("--output") { Description = "Write the HTML to this file (default: standard output)." };
        var command = new Command("preview", "The HTML of a person's next digest as it would be sent if it were planned now (learned order included); nothing is planned or sent.") { email, output };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await DigestHost.BuildCliAsync(overrides, ct);
            var subscriber = await host.Services.GetRequiredService<SubscriberRepository>().FindByEmailAsync(parse.GetValue(email)!, ct);
            if (subscriber is null)
            {
                Console.Error.WriteLine($"No subscriber '{parse.GetValue(email)}'.");
                return 1;
            }
            if (await host.Services.GetRequiredService<DigestPreviewer>().PreviewAsync(subscriber.Id, ct) is not { } rendered)
            {
                Console.Error.WriteLine($"'{subscriber.Email}' gets no digest now: not active, or suppressed.");
                return 1;
            }
            if (parse.GetValue(output) is { } path)
            {
                await File.WriteAllTextAsync(path, rendered.Html, ct);
                Console.WriteLine($"{rendered.Subject}\nwritten to {path}");
            }
            else Console.WriteLine(rendered.Html);
            return 0;
        });
        return command;
    }

    private static Command Resend(IReadOnlyDictionary<string, string?>? overrides)
    {
        var id = new Argument<long>("ID") { Description = "The digest's id (see the admin API's stats or the logs)." };
        var command = new Command("resend", "Put a failed or cancelled digest back in the outbox; the next send picks it up.") { id };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await DigestHost.BuildCliAsync(overrides, ct);
            if (await host.Services.GetRequiredService<DigestRepository>().ResendAsync(parse.GetValue(id), ct))
            {
                Console.WriteLine($"Digest {parse.GetValue(id)} is back in the outbox.");
                return 0;
            }
            Console.Error.WriteLine($"Digest {parse.GetValue(id)} does not exist or was sent; only failed or cancelled digests are resent.");
            return 1;
        });
        return command;
    }

    private static Command Stats(IReadOnlyDictionary<string, string?>? overrides)
    {
        var days = new Option<int>("--days") { Description = "How many days back.", DefaultValueFactory = _ => 14 };
        var command = new Command("stats", "Digests per day: planned, sent, empty, waiting, failed, cancelled; then bounces and complaints, and the jobs that run them.") { days };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await DigestHost.BuildCliAsync(overrides, ct);
            var rows = await host.Services.GetRequiredService<DigestRepository>().DailyStatsAsync(parse.GetValue(days), ct);
            Console.WriteLine($"{"day",-10} {"planned",8} {"sent",8} {"empty",8} {"waiting",8} {"failed",8} {"cancelled",9}");
            foreach (var r in rows)
                Console.WriteLine($"{r.Day:yyyy-MM-dd} {r.Planned,8} {r.Sent,8} {r.Empty,8} {r.Waiting,8} {r.Failed,8} {r.Cancelled,9}");
            var since = DateTime.UtcNow.Date.AddDays(1 - parse.GetValue(days));
            var bounces = (await host.Services.GetRequiredService<BounceRepository>().CountsAsync(since, ct)).ToDictionary(c => c.Kind, c => c.Count);
            Console.WriteLine($"bounce mailbox since {since:yyyy-MM-dd}: " + string.Join(", ",
                ((string[])["hard", "soft", "complaint", "ignored", "unclassified"]).Select(k => $"{bounces.GetValueOrDefault(k)} {(k == "complaint" ? "complaints" : k)}")));
            JobStats.Write(host.Services.GetRequiredService<Hangfire.JobStorage>(), Console.Out);
            return 0;
        });
        return command;
    }
}
