namespace Digest.Delivery;

/// <summary>Topics by meaning (<c>about:"…"</c>): how close a listing's meaning must be to the sentence's (built from TopicsOptions).</summary>
/// <param name="Threshold">The least cosine similarity, from -1 to 1, at which a sentence matches a listing.</param>
public sealed record AboutSettings(float Threshold)
{
    /// <summary>Chosen on the first sample page and reported on the second by the about-threshold benchmark (see the README).</summary>
    public const double DefaultThreshold = 0.58;

    public static readonly AboutSettings Default = new((float)DefaultThreshold);
}
