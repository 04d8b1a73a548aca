using System.CommandLine;
using Digest.Core.Schedule;
using Digest.Core.Subscribers;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.Host.Startup;
using NodaTime;

namespace Digest.Host.Cli;

internal static class SubscriberCommands
{
    public static Command Create(IReadOnlyDictionary<string, string?>? overrides)
    {
        var email = new Argument<string>("EMAIL") { Description = "The person's email address." };
        var topics = new Option<string[]>("--topic") { Description = "A topic, in the topic language (repeat for several).", Required = true };
        var hour = new Option<int>("--hour") { Description = "Hour of the day (0-23) to send, in --zone.", DefaultValueFactory = _ => 8 };
        var zone = new Option<string>("--zone") { Description = "IANA time zone, e.g. Europe/Berlin.", DefaultValueFactory = _ => "UTC" };
        var weekly = new Option<bool>("--weekly") { Description = "Weekly instead of daily." };
        var weekday = new Option<IsoDayOfWeek>("--weekday") { Description = "Day of a weekly digest.", DefaultValueFactory = _ => IsoDayOfWeek.Monday };
        var maxItems = new Option<int>("--max-items") { Description = "Most listings per digest.", DefaultValueFactory = _ => Subscriber.DefaultMaxItems };
        var pending = new Option<bool>("--pending") { Description = "Leave unconfirmed (default: confirmed, as the operator vouches for the address)." };
        var add = new Command("add", "Add a person with their topics, or update one already known.")
            { email, topics, hour, zone, weekly, weekday, maxItems, pending };
        add.SetAction(async (parse, ct) =>
        {
            var errors = new List<string>();
            if (!EmailAddress.TryNormalise(parse.GetValue(email), out var address, out var emailError)) errors.Add(emailError);
            var parsed = new List<(string, TopicQuery)>();
            foreach (var topic in parse.GetValue(topics)!)
            {
                if (TopicParser.TryParse(topic, out var query, out var error)) parsed.Add((topic.Trim(), query!));
                else errors.Add($"Topic \"{topic}\": {error!.Message}");
            }
            if (parse.GetValue(hour) is < 0 or > 23) errors.Add("--hour must be between 0 and 23.");
            if (!DeliverySchedule.IsKnownZone(parse.GetValue(zone))) errors.Add($"--zone '{parse.GetValue(zone)}' is not an IANA time zone (like Europe/Berlin).");
            if (parse.GetValue(maxItems) is < 1 or > Subscriber.MaxMaxItems) errors.Add($"--max-items must be between 1 and {Subscriber.MaxMaxItems}.");
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
                Schedule = new DeliverySchedule(parse.GetValue(weekly) ? DigestFrequency.Weekly : DigestFrequency.Daily,
                    parse.GetValue(hour), parse.GetValue(zone)!, parse.GetValue(weekday)),
                MaxItems = parse.GetValue(maxItems),
            };
            var result = await host.Services.GetRequiredService<SubscriberRepository>().SaveAsync(subscriber, parsed, ct);
            Console.WriteLine($"{(result.Created ? "Added" : "Updated")} subscriber {result.Id} <{address}> with {parsed.Count} topic(s).");
            return 0;
        });
        var group = new Command("subscriber", "Manage subscribers.") { add };
        foreach (var command in SubscriberAdminCommands.Create(overrides)) group.Subcommands.Add(command);
        return group;
    }
}
