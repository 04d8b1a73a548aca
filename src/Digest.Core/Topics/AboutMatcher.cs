using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Digest.Core.Topics;

/// <summary>One listing a sentence matched by meaning: the listing's index and its similarity (the cosine, from -1 to 1).</summary>
public readonly record struct AboutHit(int Listing, float Similarity);

/// <summary>
/// Which listings each sentence of <c>about:"…"</c> matches: those whose meaning vector has a cosine similarity of at
/// least the threshold with the sentence's (the one rule; see the README's topics by meaning). Vectors are unit length,
/// so the cosine is the dot product. Every sentence meets every listing, so the work is one matrix product: blocks of
/// sentences run on all cores, each walking the listings in slices small enough to stay in the core's cache, four
/// sentences against two listings at a time so that each vector loaded serves several products.
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
            var products = new float[SentencesPerBlock * ListingsPerSlice];
            for (var slice = 0; slice < listingCount; slice += ListingsPerSlice)
            {
                var end = Math.Min(listingCount, slice + ListingsPerSlice);
                Products(sentences.Span, first, last, listings.Span, slice, end, dimensions, products);
                for (var s = first; s < last; s++)
                {
                    for (var l = slice; l < end; l++)
                    {
                        var similarity = products[(s - first) * ListingsPerSlice + (l - slice)];
                        if (similarity >= threshold) found[s - first].Add(new AboutHit(l, similarity));
                    }
                }
            }
            for (var s = first; s < last; s++) hits[s] = [.. found[s - first]];
        });
        return hits;
    }

    // products[(s - first) * ListingsPerSlice + (l - slice)] = sentence s · listing l, for the block and the slice.
    private static void Products(ReadOnlySpan<float> sentences, int first, int last, ReadOnlySpan<float> listings, int slice, int end, int dimensions,
        float[] products)
    {
        var vectorised = Vector256.IsHardwareAccelerated && dimensions % Vector256<float>.Count == 0;
        var s = first;
        if (vectorised)
        {
            for (; s + 4 <= last; s += 4)
            {
                var l = slice;
                for (; l + 2 <= end; l += 2) FourByTwo(sentences, s, listings, l, dimensions, products, (s - first) * ListingsPerSlice + (l - slice));
                for (; l < end; l++)
                {
                    for (var k = 0; k < 4; k++)
                        products[(s + k - first) * ListingsPerSlice + (l - slice)] = Dot(sentences, s + k, listings, l, dimensions);
                }
            }
        }
        for (; s < last; s++)
        {
            for (var l = slice; l < end; l++) products[(s - first) * ListingsPerSlice + (l - slice)] = Dot(sentences, s, listings, l, dimensions);
        }
    }

    private static float Dot(ReadOnlySpan<float> sentences, int s, ReadOnlySpan<float> listings, int l, int dimensions) =>
        TensorPrimitives.Dot(sentences.Slice(s * dimensions, dimensions), listings.Slice(l * dimensions, dimensions));

    // Four sentences against two listings: eight running sums, six loads for eight multiply-adds.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FourByTwo(ReadOnlySpan<float> sentences, int s, ReadOnlySpan<float> listings, int l, int dimensions, float[] products, int at)
    {
        ref var s0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(sentences), s * dimensions);
        ref var s1 = ref Unsafe.Add(ref s0, dimensions);
        ref var s2 = ref Unsafe.Add(ref s1, dimensions);
        ref var s3 = ref Unsafe.Add(ref s2, dimensions);
        ref var l0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(listings), l * dimensions);
        ref var l1 = ref Unsafe.Add(ref l0, dimensions);
        Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default, a30 = default, a31 = default;
        for (nuint i = 0; i < (nuint)dimensions; i += (nuint)Vector256<float>.Count)
        {
            var x0 = Vector256.LoadUnsafe(ref l0, i);
            var x1 = Vector256.LoadUnsafe(ref l1, i);
            var y = Vector256.LoadUnsafe(ref s0, i);
            a00 = MultiplyAdd(y, x0, a00);
            a01 = MultiplyAdd(y, x1, a01);
            y = Vector256.LoadUnsafe(ref s1, i);
            a10 = MultiplyAdd(y, x0, a10);
            a11 = MultiplyAdd(y, x1, a11);
            y = Vector256.LoadUnsafe(ref s2, i);
            a20 = MultiplyAdd(y, x0, a20);
            a21 = MultiplyAdd(y, x1, a21);
            y = Vector256.LoadUnsafe(ref s3, i);
            a30 = MultiplyAdd(y, x0, a30);
            a31 = MultiplyAdd(y, x1, a31);
        }
        products[at] = Vector256.Sum(a00);
        products[at + 1] = Vector256.Sum(a01);
        products[at + ListingsPerSlice] = Vector256.Sum(a10);
        products[at + ListingsPerSlice + 1] = Vector256.Sum(a11);
        products[at + 2 * ListingsPerSlice] = Vector256.Sum(a20);
        products[at + 2 * ListingsPerSlice + 1] = Vector256.Sum(a21);
        products[at + 3 * ListingsPerSlice] = Vector256.Sum(a30);
        products[at + 3 * ListingsPerSlice + 1] = Vector256.Sum(a31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> sum) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, sum) : a * b + sum;
}
