using Digest.Mail.Rendering;

namespace Digest.Tests.Mail;

/// <summary>Digests that between them take every branch of the templates, with text that needs escaping.</summary>
internal static class RenderedCases
{
    private const string Hostile = "<script>alert('x')</script> & \"quotes\" `tick` = sign, naïve café — €";

    public static readonly IReadOnlyDictionary<string, DigestEmail> All = new Dictionary<string, DigestEmail>
    {
        ["ten-items"] = Email(Enumerable.Range(1, 10).Select(i => Full(i, $"Grokking at the Edge, part {i} <with & markup>")).ToArray()),
        ["one-item"] = Email([Full(1, "Only one")], topics: ["grokking"]),
        ["no-items"] = Email([], topics: []) with { FrequencyLabel = "weekly" },
        ["branches"] = Email(
        [
            Full(1, Hostile) with { Url = "https://example.org/?a=1&b=\"2\"'<>", Authors = Hostile, Published = Hostile },
            Full(2, "No link") with { Url = null },
            Full(3, "No authors, a date") with { Authors = null },
            Full(4, "No authors, no date") with { Authors = null, Published = null },
            Full(5, "Authors, no date") with { Published = null },
            Full(6, "Empty snippet, no topics") with { Snippet = [], MatchedTopics = [] },
            Full(7, "Hostile snippet") with { Snippet = Snippets.Split($"\u0002{Hostile}\u0003 plain {Hostile}"), MatchedTopics = [Hostile, "b"] },
            Full(8, "Blank lines\n\n\n  and trailing spaces   \r\nin a title   ") with { Authors = "  " },
        ], topics: [Hostile, "\"length generalization\"", "title:transformer*"]),
    };

    private static DigestEmail Email(DigestEmailItem[] items, string[]? topics = null) => new()
    {
        SiteName = "Digest <&>",
        SiteUrl = "https://digest.example.org/?x=1&y=2",
        RecipientEmail = "ada+\"q\"@example.org",
        Subject = $"{items.Length} new listings <&>",
        PeriodLabel = "Sunday 22 November 2026",
        Items = items,
        Topics = topics ?? ["grokking", "title:transformer*"],
        ManageUrl = "https://digest.example.org/preferences/TOKEN-P",
        UnsubscribeUrl = "https://digest.example.org/unsubscribe/TOKEN-U",
    };

    private static DigestEmailItem Full(int rank, string title) => new()
    {
        Rank = rank,
        Title = title,
        Url = $"https://arxiv.org/abs/2501.{10000 + rank}",
        Authors = "Lucas Prieto, Melih Barsbey, Pedro A. M. Mediano, Tolga Birdal",
        Published = "17 Mar 2026",
        Snippet = Snippets.Split("the delay in \u0002generalization\u0003 characteristic of \u0002grokking\u0003 and … quick \u0002generalization\u0003"),
        MatchedTopics = ["grokking", "\"length generalization\""],
    };
}
