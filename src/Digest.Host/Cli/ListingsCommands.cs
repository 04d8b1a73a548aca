using System.CommandLine;
using Digest.Core.Listings;
using Digest.Data.Repositories;
using Digest.Delivery;
using Digest.Host.Startup;

namespace Digest.Host.Cli;

/// <summary>`digest listings find TEXT`: look a listing up by words of its title or abstract.</summary>
internal static class ListingsCommands
{
    public static Command Create(IReadOnlyDictionary<string, string?>? overrides) =>
        new("listings", "Stored listings: find one by its title or abstract.") { Find(overrides) };

    private static Command Find(IReadOnlyDictionary<string, string?>? overrides)
    {
        var text = new Argument<string>("TEXT") { Description = "Text the title or abstract contains (any case)." };
        var limit = new Option<int>("--limit") { Description = "Show at most this many (1-1000).", DefaultValueFactory = _ => 20 };
        var command = new Command("find", "Listings whose title or abstract contains TEXT, newest first: id, date, source, title, link.") { text, limit };
        command.SetAction(async (parse, ct) =>
        {
            var wanted = parse.GetValue(text)?.Trim() ?? "";
            if (wanted.Length == 0)
            {
                Console.Error.WriteLine("TEXT is empty: give some words of the title or abstract.");
                return 2;
            }
            if (parse.GetValue(limit) is < 1 or > 1000)
            {
                Console.Error.WriteLine("--limit must be between 1 and 1000.");
                return 2;
            }
            using var host = await DigestHost.BuildCliAsync(overrides, ct);
            var site = host.Services.GetRequiredService<SiteSettings>();
            var found = await host.Services.GetRequiredService<ListingRepository>().FindAsync(wanted, parse.GetValue(limit), ct);
            if (found.Count == 0) Console.WriteLine($"No listing contains '{wanted}'.");
            foreach (var l in found)
                Console.WriteLine($"{l.Id}  {l.PublishedAt ?? l.FirstSeenAt:yyyy-MM-dd}  {l.Source}  {l.Title}\n    {ListingLinks.For(l.Id, l.Url, site.BaseUrl)}");
            return 0;
        });
        return command;
    }
}
