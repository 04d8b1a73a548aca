namespace Digest.Data.Repositories;

/// <summary>
/// The snippets one sending run has cut, by listing and topics: the same listing matched by the same topics gives the
/// same snippet, whoever reads it, and cutting one (ts_headline) costs more than reading the rest of a digest. One
/// run of the sender owns one cache and loads its batches one at a time, so it is not shared between threads; a
/// run starts with an empty one, so an edited abstract or topic shows in the next run.
/// </summary>
public sealed class SnippetCache
{
    /// <summary>Beyond this many snippets the cache starts again: memory stays bounded on the largest runs.</summary>
    public const int Capacity = 100_000;

    private readonly Dictionary<string, string> _snippets = new(StringComparer.Ordinal);

    public int Count => _snippets.Count;

    internal static string Key(long listingId, long[] topicIds) => $"{listingId}:{string.Join(',', topicIds)}";

    internal bool TryGet(string key, out string snippet) => _snippets.TryGetValue(key, out snippet!);

    internal void Add(string key, string snippet)
    {
        if (_snippets.Count >= Capacity) _snippets.Clear();
        _snippets[key] = snippet;
    }
}
