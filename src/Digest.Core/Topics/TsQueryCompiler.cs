using System.Text;

namespace Digest.Core.Topics;

/// <summary>
/// Compiles a topic to the text form read by <c>to_tsquery('digest_english', …)</c>. Every word becomes a quoted
/// lexeme, so PostgreSQL stems it but never reads it as an operator; the text is passed as a parameter.
/// Title-only terms carry weight A, which is the weight listing_search (SQL) gives the title's words.
/// </summary>
internal static class TsQueryCompiler
{
    public static string Compile(TopicQuery query)
    {
        var sb = new StringBuilder();
        var guarded = query.Exclude.Count > 0;
        if (guarded) sb.Append('(');
        Write(sb, query.Include);
        if (guarded)
        {
            sb.Append(") & !(");
            for (var i = 0; i < query.Exclude.Count; i++)
            {
                if (i > 0) sb.Append(" | ");
                Write(sb, query.Exclude[i]);
            }
            sb.Append(')');
        }
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, TopicNode node)
    {
        switch (node)
        {
            case WordNode w:
                Lexeme(sb, w.Word, w.Prefix, w.TitleOnly);
                break;
            case AboutNode about:
                // Any weight: planning gives the listing the key when its meaning is close enough (AboutKey).
                Lexeme(sb, about.Key, prefix: false, titleOnly: false);
                break;
            case PhraseNode p:
                sb.Append('(');
                for (var i = 0; i < p.Words.Count; i++)
                {
                    if (i > 0) sb.Append(" <-> ");
                    Lexeme(sb, p.Words[i], prefix: false, p.TitleOnly);
                }
                sb.Append(')');
                break;
            case AllNode a:
                Join(sb, a.Parts, " & ");
                break;
            case AnyNode o:
                Join(sb, o.Alternatives, " | ");
                break;
        }
    }

    private static void Join(StringBuilder sb, IReadOnlyList<TopicNode> nodes, string op)
    {
        sb.Append('(');
        for (var i = 0; i < nodes.Count; i++)
        {
            if (i > 0) sb.Append(op);
            Write(sb, nodes[i]);
        }
        sb.Append(')');
    }

    private static void Lexeme(StringBuilder sb, string word, bool prefix, bool titleOnly)
    {
        sb.Append('\'').Append(word.Replace("'", "''", StringComparison.Ordinal).Replace("\\", "\\\\", StringComparison.Ordinal)).Append('\'');
        if (prefix || titleOnly) sb.Append(':');
        if (prefix) sb.Append('*');
        if (titleOnly) sb.Append('A');
    }
}
