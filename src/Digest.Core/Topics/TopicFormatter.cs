using System.Text;

namespace Digest.Core.Topics;

/// <summary>Writes a topic back as text in one canonical spelling (lower case, single spaces, exclusions last).</summary>
internal static class TopicFormatter
{
    public static string Format(TopicQuery query)
    {
        var sb = new StringBuilder();
        Write(sb, query.Include, parentIsAll: false);
        foreach (var exclusion in query.Exclude)
        {
            sb.Append(" -");
            Write(sb, exclusion, parentIsAll: true);
        }
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, TopicNode node, bool parentIsAll)
    {
        switch (node)
        {
            case WordNode w:
                if (w.TitleOnly) sb.Append("title:");
                sb.Append(w.Word);
                if (w.Prefix) sb.Append('*');
                break;
            case PhraseNode p:
                if (p.TitleOnly) sb.Append("title:");
                sb.Append('"').Append(string.Join(' ', p.Words)).Append('"');
                break;
            case AboutNode about:
                sb.Append("about:\"").Append(about.Sentence).Append('"');
                break;
            case AllNode a:
                for (var i = 0; i < a.Parts.Count; i++)
                {
                    if (i > 0) sb.Append(' ');
                    Write(sb, a.Parts[i], parentIsAll: true);
                }
                break;
            case AnyNode o:
                if (parentIsAll) sb.Append('(');
                for (var i = 0; i < o.Alternatives.Count; i++)
                {
                    if (i > 0) sb.Append(" OR ");
                    Write(sb, o.Alternatives[i], parentIsAll: false);
                }
                if (parentIsAll) sb.Append(')');
                break;
        }
    }
}
