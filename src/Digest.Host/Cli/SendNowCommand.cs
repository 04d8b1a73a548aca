using System.CommandLine;
using Digest.Host.Jobs;
using Digest.Host.Startup;
using Digest.Mail.Transport;

namespace Digest.Host.Cli;

internal static class SendNowCommand
{
    public static Command Create(IReadOnlyDictionary<string, string?>? overrides)
    {
        var all = new Option<bool>("--all") { Description = "Everyone active, due or not, gets their next digest now: one waiting for a later attempt, else the next period's early (and not again at its time)." };
        var sendNow = new Command("send-now", "Run one digest cycle now: ingest the inbox, plan due digests, send them.") { all };
        sendNow.SetAction(async (parse, ct) =>
        {
            using var host = await DigestHost.BuildCliAsync(overrides, ct);
            var summary = await host.Services.GetRequiredService<DigestCycle>().RunAsync(parse.GetValue(all), ct);
            var p = summary.Plan;
            var s = summary.Send;
            Console.WriteLine($"Planned: {p.Ready} with news, {p.Empty} with nothing new (no email), {p.AlreadyPlanned} already planned, {p.NotDue} not due.");
            Console.WriteLine($"Sent: {s.Sent}, cancelled {s.Cancelled}, retrying {s.Retrying}, failed {s.Failed}.");
            // The relay refusing us (a login, our sender address) leaves the digests waiting, none failed: still not a success.
            var stopped = s.StoppedBecause ?? host.Services.GetRequiredService<SmtpRelayStatus>().StoppedBecause;
            if (stopped is not null) Console.WriteLine($"Sending stopped: {stopped}");
            return s.Failed > 0 || stopped is not null ? 1 : 0;
        });
        return sendNow;
    }
}
