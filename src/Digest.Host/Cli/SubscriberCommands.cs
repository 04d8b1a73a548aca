using System.CommandLine;
using Digest.Core.Subscribers;
using Digest.Data.Repositories;
using Digest.Host.Startup;

namespace Digest.Host.Cli;

internal static class SubscriberCommands
{
    public static Command Create(IReadOnlyDictionary<string, string?>? overrides)
    {
        var email = new Argument<string>("EMAIL") { Description = "The person's email address." };
        var topics = new Option<string[]>("--topic") { Description = "A topic, in the topic language (repeat for several).", Required = true };
        var hour = new Option<string>("--hour") { Description = "Hour of the day (0-23) to send, in --zone (default 8)." };
        var zone = new Option<string>("--zone") { Description = "IANA time zone, e.g. Europe/Berlin (default UTC)." };
        var weekly = new Option<bool>("--weekly") { Description = "Weekly instead of daily." };
        var weekday = new Option<string>("--weekday") { Description = "Day of a weekly digest: monday to sunday (default monday)." };
        var maxItems = new Option<string>("--max-items") { Description = $"Most listings per digest, 1-{Subscriber.MaxMaxItems} (default {Subscriber.DefaultMaxItems})." };
        var pending = new Option<bool>("--pending") { Description = "Leave unconfirmed (default: confirmed, as the operator vouches for the address)." };
        var add = new Command("add", "Add a person with their topics, or update one already known.")
            { email, topics, hour, zone, weekly, weekday, maxItems, pending };
        add.SetAction(async (parse, ct) =>
        {
            // The same rules as the sign-up form and the CSV import (SubscriptionChoices), each error named by its option.
            var errors = new List<string>();
            if (!EmailAddress.TryNormalise(parse.GetValue(email), out var address, out var emailError)) errors.Add(emailError);
            var (choices, refused) = SubscriptionChoices.Parse(new SubscriptionChoices.Input(parse.GetValue(topics)!,
                parse.GetValue(weekly) ? "weekly" : "daily", parse.GetValue(hour), parse.GetValue(zone), parse.GetValue(weekday), parse.GetValue(maxItems)));
            errors.AddRange(refused.Select(e => $"--{Option(e.Field)}: {e.Message}"));
            if (errors.Count > 0)
            {
                foreach (var e in errors) Console.Error.WriteLine(e);
                return 2;
            }
            using var host = await DigestHost.BuildCliAsync(overrides, ct);
            var subscriber = new Subscriber
            {
                Email = address,
                Status = parse.GetValue(pending) ? SubscriberStatus.Pending : SubscriberStatus.Active,
                Schedule = choices!.Schedule,
                MaxItems = choices.MaxItems,
            };
            var result = await host.Services.GetRequiredService<SubscriberRepository>().SaveAsync(subscriber, choices.Topics.ToList(), ct);
            Console.WriteLine($"{(result.Created ? "Added" : "Updated")} subscriber {result.Id} <{address}> with {choices.Topics.Count} topic(s).");
            return 0;
        });
        var group = new Command("subscriber", "Manage subscribers.") { add };
        foreach (var command in SubscriberAdminCommands.Create(overrides)) group.Subcommands.Add(command);
        return group;
    }

    private static string Option(string field) => field switch
    {
        "topics" => "topic",
        "max_items" => "max-items",
        _ => field,
    };
}
