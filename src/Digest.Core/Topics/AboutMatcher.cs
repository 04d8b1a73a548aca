using System.Numerics.Tensors;

namespace Digest.Core.Topics;

/// <summary>One listing a sentence matched by meaning: the listing's index and its similarity (the cosine, from -1 to 1).</summary>
public readonly record struct AboutHit(int Listing, float Similarity);

/// <summary>
/// Which listings each sentence of <c>about:"…"</c> matches: those whose meaning vector has a cosine similarity of at
/// least the threshold with the sentence's (the one rule; see the README's topics by meaning). Vectors are unit length,
/// so the cosine is the dot product. Every sentence meets every listing, so the work is one matrix product: blocks of
/// sentences run on all cores, each walking the listings in slices small enough to stay in the core's cache.
/// </summary>
public static class AboutMatcher
{
    private const int SentencesPerBlock = 16;
    private const int ListingsPerSlice = 256;

    /// <param name="listings">The listings' vectors, one after the other (<paramref name="dimensions"/> floats each).</param>
    /// <param name="sentences">The sentences' vectors, the same way.</param>
    /// <returns>For each sentence, in order, its hits in listing order.</returns>
    public static AboutHit[][] Match(ReadOnlyMemory<float> listings, ReadOnlyMemory<float> sentences, int dimensions, float threshold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        int listingCount = listings.Length / dimensions, sentenceCount = sentences.Length / dimensions;
        var hits = new AboutHit[sentenceCount][];
        var blocks = (sentenceCount + SentencesPerBlock - 1) / SentencesPerBlock;
        Parallel.For(0, blocks, block =>
        {
            var first = block * SentencesPerBlock;
            var last = Math.Min(sentenceCount, first + SentencesPerBlock);
            var found = new List<AboutHit>[last - first];
            for (var s = 0; s < found.Length; s++) found[s] = [];
            for (var slice = 0; slice < listingCount; slice += ListingsPerSlice)
            {
                var end = Math.Min(listingCount, slice + ListingsPerSlice);
                for (var s = first; s < last; s++)
                {
                    var sentence = sentences.Span.Slice(s * dimensions, dimensions);
                    for (var l = slice; l < end; l++)
                    {
                        var similarity = TensorPrimitives.Dot(sentence, listings.Span.Slice(l * dimensions, dimensions));
                        if (similarity >= threshold) found[s - first].Add(new AboutHit(l, similarity));
                    }
                }
            }
            for (var s = first; s < last; s++) hits[s] = [.. found[s - first]];
        });
        return hits;
    }
}
