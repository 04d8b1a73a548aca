using Dapper;
using Digest.Core.Listings;
using Digest.Core.Topics;
using Digest.Data.Repositories;
using Digest.Data;
using Digest.IntegrationTests.Infrastructure;
using NodaTime;
using Npgsql;

namespace Digest.IntegrationTests;

/// <summary>One database with a small, fixed corpus of listings, shared by the topic language cases.</summary>
public sealed class TopicCorpus : IAsyncLifetime
{
    public static readonly (string Key, string Title, string Summary)[] Listings =
    [
        ("edge", "Grokking at the Edge of Numerical Stability", "Grokking, the sudden generalization that occurs after prolonged overfitting."),
        ("length", "Length Generalization in Transformers", "We study how transformers generalize to longer sequences than seen in training."),
        ("ddpm", "Denoising Diffusion Probabilistic Models", "Diffusion models generate images by iterative denoising."),
        ("grokdiff", "Grokking in Diffusion Models", "We observe grokking when training small diffusion models."),
        ("bridge", "Light Schrödinger Bridge", "Schrödinger bridges for fast generative modeling."),
        ("selfsup", "Self-Supervised Learning of Graph Representations", "Self-supervised pretraining on molecular graphs."),
        ("graphtf", "Graph Transformers for Molecules", "A transformer architecture for molecule property prediction."),
        ("operators", "State of the Art in Neural Operators", "Neural operators solve partial differential equations."),
        ("score", "Score Matching with Langevin Dynamics", "Score matching estimates gradients of the data distribution."),
        ("naive", "A Naïve Bayes Baseline for Text Classification", "Naive Bayes remains a strong baseline."),
        ("few", "Generalizing from Few Examples", "A survey of few-shot learning and meta-learning."),
        ("txl", "Transformer-XL: Attentive Language Models", "Language modeling beyond a fixed-length context."),
        ("cafe", "Café Recommendations with Graph Neural Networks", "Recommending coffee shops from visit graphs."),
        ("pointer", "Pointer Networks", "Learning the conditional probability of an output sequence of positions."),
        ("scaling", "Scaling Laws for Neural Language Models", "We study empirical scaling laws for language model performance."),
        ("prefix", "Prefix-Tuning: Optimizing Continuous Prompts", "Prefix tuning keeps the language model frozen."),
        ("ood", "Out-of-Distribution Generalization via Invariant Risk Minimization", "Invariant risk minimization for robust generalization."),
        ("inject", "<script>alert(1)</script> Injection Attacks on Parsers", "We study SQL injection such as DROP TABLE students."),
        ("qec", "Quantum Error Correction", "Surface codes protect qubits from noise."),
        ("moe", "Mixture of Experts", "Sparse routing between expert transformer layers in language models."),
    ];

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync();
        await using var db = DataSourceFactory.Create(ConnectionString);
        var repository = new ListingRepository(db, SqlCatalog.Load(), SystemClock.Instance);
        await repository.UpsertAsync(Listings.Select(l => new Listing { Title = l.Title, Summary = l.Summary, ExternalId = "corpus:" + l.Key }).ToList(), "corpus");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The keys of the listings a topic matches, compiled exactly as subscribers' topics are.</summary>
    public async Task<string[]> MatchAsync(string topic)
    {
        var query = TopicParser.Parse(topic);
        await using var connection = new NpgsqlConnection(ConnectionString);
        var keys = await connection.QueryAsync<string>(
            "SELECT substr(external_id, 8) FROM listings WHERE listing_search(title, summary) @@ to_tsquery('digest_english', @q) ORDER BY 1",
            new { q = query.ToTsQuery() });
        return keys.ToArray();
    }
}

/// <summary>
/// The topic language against a real PostgreSQL: each case is a topic as a person would type it and the
/// listings it must find (by key, in the corpus above), or the message it must be refused with.
/// </summary>
public sealed class TopicLanguageTests(TopicCorpus corpus) : IClassFixture<TopicCorpus>
{
    public static TheoryData<string, string> Matches => new()
    {
        // Words, on English stems, any case, in title or abstract.
        { "grokking", "edge grokdiff" },
        { "GROKKING", "edge grokdiff" },
        // Stems are Snowball's: "grokking" is grokk, so "grok" alone finds nothing; grok* does.
        { "grok", "" },
        { "grok*", "edge grokdiff" },
        { "generalize", "edge few length ood" },
        { "generalization", "edge few length ood" },
        { "generalizing", "edge few length ood" },
        { "transformers", "graphtf length moe txl" },
        { "transformer", "graphtf length moe txl" },
        { "molecules", "graphtf" },
        { "networks", "cafe pointer" },
        { "diffusion", "ddpm grokdiff" },
        { "qubits", "qec" },
        { "zebra", "" },
        // Several words: all of them.
        { "grokking diffusion", "grokdiff" },
        { "graph transformer", "graphtf" },
        { "language models", "moe prefix scaling txl" },
        { "language models scaling", "scaling" },
        { "graph, transformer", "graphtf" },
        // Phrases: adjacent and in order.
        { "\"length generalization\"", "length" },
        { "\"generalization length\"", "" },
        { "\"score matching\"", "score" },
        { "\"matching score\"", "" },
        { "\"language model\"", "moe prefix scaling txl" },
        { "\"state of the art\"", "operators" },
        { "\"neural operators\"", "operators" },
        // OR between alternatives; OR binds loosest.
        { "grokking OR \"score matching\"", "edge grokdiff score" },
        { "qubits OR coffee OR pointer", "cafe pointer qec" },
        { "grokking diffusion OR quantum", "grokdiff qec" },
        { "transformer (graph OR molecule)", "graphtf" },
        { "(grokking OR denoising) models", "ddpm grokdiff" },
        // Exclusions guard the whole topic, wherever written.
        { "grokking -diffusion", "edge" },
        { "-diffusion grokking", "edge" },
        { "grokking OR \"length generalization\" -diffusion", "edge length" },
        { "diffusion OR grokking -\"diffusion models\"", "edge" },
        { "transformer -language -molecule", "length" },
        { "generalization -(shot OR invariant)", "edge length" },
        // Only in the title.
        { "title:grokking", "edge grokdiff" },
        { "title:generalization", "few length ood" },
        { "title:transformer", "graphtf length txl" },
        { "title:\"language models\"", "scaling txl" },
        { "title:transformer OR title:pointer", "graphtf length pointer txl" },
        { "language title:experts", "moe" },
        // Prefixes.
        { "transform*", "graphtf length moe txl" },
        // A prefix matches the start of a stem ("optimizing" is optim).
        { "optim*", "prefix" },
        { "title:gen*", "few length ood" },
        { "qu*", "qec" },
        // Hyphenated and compound words.
        { "self-supervised", "selfsup" },
        { "supervised", "selfsup" },
        { "prefix-tuning", "prefix" },
        // "out" and "of" are stop words: the phrase keeps only "distribution".
        { "\"out of distribution\"", "ood score" },
        // Unicode and accents fold both ways.
        { "Schrödinger", "bridge" },
        { "schrodinger", "bridge" },
        { "naïve", "naive" },
        { "naive bayes", "naive" },
        { "café", "cafe" },
        { "cafe", "cafe" },
        // Markup and SQL in listings are only words; so are they in topics.
        // PostgreSQL's parser skips HTML tags in the text: "<script>…</script>" is not words.
        { "script", "" },
        { "attacks parsers", "inject" },
        { "injection students", "inject" },
        { "drop table", "inject" },
        // Stop words are dropped, not matched.
        { "the grokking", "edge grokdiff" },
        { "of transformers", "graphtf length moe txl" },
    };

    [Theory]
    [MemberData(nameof(Matches))]
    public async Task A_topic_finds_exactly_the_listings_it_should(string topic, string expected)
    {
        var keys = await corpus.MatchAsync(topic);

        Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(), keys);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "\"length generalization", "never closed" },
        { "grokking)", "Unexpected ')'" },
        { "-diffusion", "not only exclusions" },
        { "-diffusion -\"score matching\"", "not only exclusions" },
        { "the of and", "only common words" },
        { "\"the of\"", "only common words" },
        { "OR grokking", "both sides" },
        { string.Join(' ', Enumerable.Repeat("grokking", 2000)), "at most 200 characters" },
        { "'; DROP TABLE subscribers; --", "Unexpected character" },
        { "grokking & diffusion", "Unexpected character '&'" },
        { "grokking | diffusion", "Unexpected character '|'" },
        { "!grokking", "Unexpected character '!'" },
        { "grok:*", "Unknown field 'grok:'" },
        { "\u200B\u200D\uFEFF", "cannot be empty" },
        { "((((((grokking))))))", "nest too deep" },
        { "a b c d e f g h i j k l m n o p q r s t u v w x y z", "at most 24 words" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Nonsense_is_refused_with_a_message_not_saved_as_an_empty_topic(string topic, string message)
    {
        var error = Assert.Throws<TopicSyntaxException>(() => TopicParser.Parse(topic));

        Assert.Contains(message, error.Message);
    }
}
