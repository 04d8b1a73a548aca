using System.Numerics.Tensors;

namespace Digest.Core.Recommendations;

/// <summary>
/// The meaning vectors of one planning window's listings, for the meaning part of each reader model's score: one
/// contiguous block (a row per listing that has a vector), the window's average vector (what a listing without
/// one is taken to mean, so it is judged by its words alone and never dropped), and the embedded listings grouped
/// into clusters of similar meaning (spherical k-means), so looking for "you might also like" listings scores a
/// model against the clusters' centres and then only the members of the few clusters it scores highest, not
/// every listing of the window; and a person's topic listings are ordered first with their cluster's centre
/// standing for their meaning, and only the best of that order are scored exactly.
/// </summary>
public sealed class WindowMeaning
{
    /// <summary>How many clusters' members are scored for a person's "you might also like" listings.</summary>
    public const int ProbedClusters = 3;

    private const int ClusterRounds = 4;

    private readonly int[] _row;
    private readonly float[] _vectors;
    private int[] _clusterOf = [];
    private int[][] _members = [];
    private float[] _centres = [];

    public int Dimensions { get; }

    public float[] Average { get; }

    public int Clusters => _members.Length;

    private WindowMeaning(int[] row, float[] vectors, int dimensions)
    {
        (_row, _vectors, Dimensions) = (row, vectors, dimensions);
        Average = new float[dimensions];
    }

    /// <summary>The window's vectors by window index (<paramref name="vectors"/>[i] null: listing i has none yet); null when none has one.</summary>
    public static WindowMeaning? Build(IReadOnlyList<float[]?> vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        var dimensions = vectors.FirstOrDefault(v => v is not null)?.Length ?? 0;
        if (dimensions == 0) return null;
        var row = new int[vectors.Count];
        var count = 0;
        for (var i = 0; i < vectors.Count; i++) row[i] = vectors[i]?.Length == dimensions ? count++ : -1;
        var meaning = new WindowMeaning(row, new float[count * dimensions], dimensions);
        for (var i = 0; i < vectors.Count; i++)
        {
            if (row[i] < 0) continue;
            vectors[i].AsSpan().CopyTo(meaning.Row(i));
            TensorPrimitives.Add(meaning.Average, vectors[i]!, meaning.Average);
        }
        TensorPrimitives.Divide(meaning.Average, count, meaning.Average);
        meaning.Cluster(count);
        return meaning;
    }

    public bool Has(int listing) => _row[listing] >= 0;

    private Span<float> Row(int listing) => _vectors.AsSpan(_row[listing] * Dimensions, Dimensions);

    /// <summary>The meaning part of a model's score of a window listing (of the average listing for one without a vector).</summary>
    public float Dot(ReadOnlySpan<float> weights, int listing) =>
        TensorPrimitives.Dot(weights, _row[listing] >= 0 ? Row(listing) : Average);

    /// <summary>The cosine of a window listing's meaning and another vector (both of unit length), or null when the listing has none.</summary>
    public float? Cosine(int listing, ReadOnlySpan<float> other) =>
        _row[listing] >= 0 && other.Length == Dimensions ? TensorPrimitives.Dot(Row(listing), other) : null;

    /// <summary>The cluster of a window listing, or -1 for one without a vector.</summary>
    public int ClusterOf(int listing) => _clusterOf[listing];

    /// <summary>The meaning part of a model's score of each cluster's centre, into <paramref name="scores"/> (one per cluster).</summary>
    public void CentreScores(ReadOnlySpan<float> weights, Span<float> scores)
    {
        for (var c = 0; c < _members.Length; c++) scores[c] = TensorPrimitives.Dot(weights, _centres.AsSpan(c * Dimensions, Dimensions));
    }

    /// <summary>The window listings of the <see cref="ProbedClusters"/> clusters whose centres score highest (<paramref name="centreScores"/>).</summary>
    public void Nearest(ReadOnlySpan<float> centreScores, List<int> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        Span<int> best = stackalloc int[Math.Min(ProbedClusters, _members.Length)];
        Span<float> bestScore = stackalloc float[best.Length];
        bestScore.Fill(float.NegativeInfinity);
        for (var c = 0; c < _members.Length; c++)
        {
            var score = centreScores[c];
            var at = best.Length;
            while (at > 0 && score > bestScore[at - 1]) at--;
            if (at == best.Length) continue;
            for (var k = best.Length - 1; k > at; k--) (best[k], bestScore[k]) = (best[k - 1], bestScore[k - 1]);
            (best[at], bestScore[at]) = (c, score);
        }
        foreach (var c in best) into.AddRange(_members[c]);
    }

    /// <summary>Spherical k-means over the embedded listings: about √n clusters, centres seeded evenly along the window.</summary>
    private void Cluster(int count)
    {
        var listings = Enumerable.Range(0, _row.Length).Where(Has).ToArray();
        var k = Math.Clamp((int)Math.Round(Math.Sqrt(count)), 1, 256);
        _centres = new float[k * Dimensions];
        for (var c = 0; c < k; c++) Row(listings[c * count / k]).CopyTo(_centres.AsSpan(c * Dimensions, Dimensions));
        var cluster = new int[listings.Length];
        for (var round = 0; round < ClusterRounds; round++)
        {
            Parallel.For(0, listings.Length, i => cluster[i] = Closest(listings[i], k));
            Array.Clear(_centres);
            for (var i = 0; i < listings.Length; i++)
            {
                var centre = _centres.AsSpan(cluster[i] * Dimensions, Dimensions);
                TensorPrimitives.Add(centre, Row(listings[i]), centre);
            }
            for (var c = 0; c < k; c++)
            {
                var centre = _centres.AsSpan(c * Dimensions, Dimensions);
                var norm = TensorPrimitives.Norm(centre);
                if (norm > 0) TensorPrimitives.Divide(centre, norm, centre);
            }
        }
        _members = Enumerable.Range(0, k).Select(c => listings.Where((_, i) => cluster[i] == c).ToArray()).ToArray();
        _clusterOf = new int[_row.Length];
        Array.Fill(_clusterOf, -1);
        for (var i = 0; i < listings.Length; i++) _clusterOf[listings[i]] = cluster[i];
    }

    private int Closest(int listing, int clusters)
    {
        var row = Row(listing);
        var (best, bestScore) = (0, float.NegativeInfinity);
        for (var c = 0; c < clusters; c++)
        {
            var score = TensorPrimitives.Dot(row, _centres.AsSpan(c * Dimensions, Dimensions));
            if (score > bestScore) (best, bestScore) = (c, score);
        }
        return best;
    }
}
