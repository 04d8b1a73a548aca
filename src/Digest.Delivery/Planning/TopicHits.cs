namespace Digest.Delivery.Planning;

/// <summary>
/// Every topic's hits of one cycle: for each topic (a dense index of the cycle), the window listings it
/// matches (dense indexes too) and its relevance for each. Ranking a person walks their few topics' hits.
/// </summary>
internal sealed class TopicHits(int topicCount)
{
    private readonly int[][] _listings = Enumerable.Repeat(Array.Empty<int>(), topicCount).ToArray();
    private readonly float[][] _relevances = Enumerable.Repeat(Array.Empty<float>(), topicCount).ToArray();
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public ReadOnlySpan<int> Listings(int topic) => _listings[topic];

    public ReadOnlySpan<float> Relevances(int topic) => _relevances[topic];

    /// <summary>Sets one topic's hits; each topic is set once, so writers on different threads never share a slot.</summary>
    public void Set(int topic, int[] listings, float[] relevances)
    {
        _listings[topic] = listings;
        _relevances[topic] = relevances;
        Interlocked.Add(ref _count, listings.Length);
    }
}
