namespace Digest.Core.Topics;

/// <summary>The syntax tree of one topic. Built only by <see cref="TopicParser"/>.</summary>
public abstract record TopicNode;

/// <summary>A word, matched on its English stem; <c>prefix*</c> matches any word that starts so.</summary>
public sealed record WordNode(string Word, bool Prefix, bool TitleOnly) : TopicNode;

/// <summary>Words that must stand next to each other, in order.</summary>
public sealed record PhraseNode(IReadOnlyList<string> Words, bool TitleOnly) : TopicNode;

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
}

/// <summary>Why a topic was refused, and where: shown to the person at the form.</summary>
public sealed class TopicSyntaxException(string message, int position) : FormatException(message)
{
    /// <summary>Zero-based character position, counted after invisible characters are removed.</summary>
    public int Position { get; } = position;
}
