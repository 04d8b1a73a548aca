using Digest.Core.Topics;

namespace Digest.Tests.Topics;

public class AboutMatcherTests
{
    [Fact]
    public void Each_sentence_matches_the_listings_at_or_above_the_threshold_with_their_similarity()
    {
        // Unit vectors in 2 dimensions: listing i points at angle i * 10°.
        var listings = Enumerable.Range(0, 10).SelectMany(i => Unit(i * 10)).ToArray();
        // Many sentences, more than one block of them, all pointing at 0°, and one pointing at 90°.
        var sentences = Enumerable.Range(0, 40).SelectMany(_ => Unit(0)).Concat(Unit(90)).ToArray();

        var hits = AboutMatcher.Match(listings, sentences, 2, threshold: MathF.Cos(30 * MathF.PI / 180) - 1e-6f);

        Assert.Equal(41, hits.Length);
        Assert.All(hits[..40], h => Assert.Equal([0, 1, 2, 3], h.Select(x => x.Listing)));
        Assert.Equal([6, 7, 8, 9], hits[40].Select(x => x.Listing));
        Assert.Equal(MathF.Cos(20 * MathF.PI / 180), hits[0][2].Similarity, 5);
    }

    [Fact]
    public void The_blocked_products_equal_one_dot_product_per_pair_whatever_the_counts()
    {
        var random = new Random(7);
        float[] Vectors(int n) => Enumerable.Range(0, n * 384).Select(_ => (float)(random.NextDouble() - 0.5) / 10).ToArray();
        // Counts that leave remainders everywhere: blocks of sentences, groups of four and two, slices of listings.
        var listings = Vectors(523);
        var sentences = Vectors(37);

        var hits = AboutMatcher.Match(listings, sentences, 384, threshold: -10);

        for (var s = 0; s < 37; s++)
        {
            Assert.Equal(523, hits[s].Length);
            for (var l = 0; l < 523; l++)
            {
                var expected = System.Numerics.Tensors.TensorPrimitives.Dot(sentences.AsSpan(s * 384, 384), listings.AsSpan(l * 384, 384));
                Assert.Equal(l, hits[s][l].Listing);
                Assert.Equal(expected, hits[s][l].Similarity, 4);
            }
        }
    }

    [Fact]
    public void No_listings_or_no_sentences_match_nothing()
    {
        Assert.Empty(AboutMatcher.Match(Array.Empty<float>(), Unit(0), 2, 0.5f)[0]);
        Assert.Empty(AboutMatcher.Match(Unit(0), Array.Empty<float>(), 2, 0.5f));
    }

    private static float[] Unit(int degrees) => [MathF.Cos(degrees * MathF.PI / 180), MathF.Sin(degrees * MathF.PI / 180)];
}
