namespace Digest.Benchmarks.Recommend;

/// <summary>
/// A way of ranking to compare: a name and the configuration it overrides, given to the product as it is given in
/// production (so a new setting of the learner is one more line in <see cref="All"/>). Each runs on a database of its
/// own; whether it records clicks, learns, suggests or embeds is what the product makes of these settings.
/// </summary>
internal sealed record RecommendVariant(string Name, IReadOnlyDictionary<string, string?> Settings)
{
    /// <summary>The baseline: ranking by keywords alone, nothing recorded or learned.</summary>
    public static readonly RecommendVariant Keyword = new("keyword", new Dictionary<string, string?>
    {
        ["Recommendations:Tracking"] = "false",
        ["Recommendations:Embeddings"] = "false",
    });

    /// <summary>The keyword baseline first; every other variant is compared with it at equal digest size.</summary>
    public static readonly IReadOnlyList<RecommendVariant> All =
    [
        Keyword,
        new("learned", new Dictionary<string, string?>
        {
            ["Recommendations:AlsoLikeCount"] = "0",
            ["Recommendations:Embeddings"] = "false",
        }),
        new("learned + suggestions", new Dictionary<string, string?>
        {
            ["Recommendations:AlsoLikeCount"] = "3",
            ["Recommendations:Embeddings"] = "false",
        }),
        new("learned, embedded", new Dictionary<string, string?>
        {
            ["Recommendations:AlsoLikeCount"] = "0",
            ["Recommendations:Embeddings"] = "true",
        }),
        new("learned + suggestions, embedded", new Dictionary<string, string?>
        {
            ["Recommendations:AlsoLikeCount"] = "3",
            ["Recommendations:Embeddings"] = "true",
        }),
    ];
}
