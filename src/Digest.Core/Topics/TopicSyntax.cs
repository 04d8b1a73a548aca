namespace Digest.Core.Topics;

/// <summary>The syntax tree of one topic. Built only by <see cref="TopicParser"/>.</summary>
public abstract record TopicNode;

/// <summary>A word, matched on its English stem; <c>prefix*</c> matches any word that starts so.</summary>
public sealed record WordNode(string Word, bool Prefix, bool TitleOnly) : TopicNode;

/// <summary>Words that must stand next to each other, in order.</summary>
public sealed record PhraseNode(IReadOnlyList<string> Words, bool TitleOnly) : TopicNode;

/// <summary>
/// A sentence matched by meaning (<c>about:"…"</c>): it matches a listing whose meaning vector is close enough to the
/// sentence's. <see cref="Sentence"/> is the canonical spelling (lower case, single spaces), which is what is embedded.
/// </summary>
public sealed record AboutNode(string Sentence) : TopicNode
{
    /// <summary>The sentence's stand-in lexeme in the compiled tsquery (see <see cref="AboutKey"/>).</summary>
    public string Key => AboutKey.Of(Sentence);
}

public sealed record AllNode(IReadOnlyList<TopicNode> Parts) : TopicNode;

public sealed record AnyNode(IReadOnlyList<TopicNode> Alternatives) : TopicNode;

/// <summary>
/// A whole topic: what must match, and what must not. Exclusions guard the whole topic wherever they
/// were written, which is the precedence people mean and <c>websearch_to_tsquery</c> does not give.
/// </summary>
public sealed record TopicQuery(TopicNode Include, IReadOnlyList<TopicNode> Exclude)
{
    /// <summary>The canonical text: two people who typed the same topic differently share one row.</summary>
    public string Canonical => TopicFormatter.Format(this);

    /// <summary>Input for PostgreSQL's <c>to_tsquery('digest_english', …)</c>: quoted lexemes only, so nothing typed is syntax.</summary>
    public string ToTsQuery() => TsQueryCompiler.Compile(this);

    /// <summary>The distinct sentences matched by meaning, wherever they are written (exclusions included).</summary>
    public IReadOnlyList<AboutNode> Abouts => [.. Nodes(Include).Concat(Exclude.SelectMany(Nodes)).OfType<AboutNode>().Distinct()];

    /// <summary>The distinct sentences the topic looks for: its exclusions left out (what a similarity shown is measured against).</summary>
    public IReadOnlyList<AboutNode> SoughtAbouts => [.. Nodes(Include).OfType<AboutNode>().Distinct()];

    private static IEnumerable<TopicNode> Nodes(TopicNode node) => node switch
    {
        AllNode a => a.Parts.SelectMany(Nodes),
        AnyNode o => o.Alternatives.SelectMany(Nodes),
        _ => [node],
    };
}

/// <summary>Why a topic was refused, and where: shown to the person at the form.</summary>
public sealed class TopicSyntaxException(string message, int position) : FormatException(message)
{
    /// <summary>Zero-based character position, counted after invisible characters are removed.</summary>
    public int Position { get; } = position;
}
