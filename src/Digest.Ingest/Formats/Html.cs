using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Digest.Ingest.Formats;

/// <summary>
/// Turns the HTML some feeds put in their descriptions into the plain text we store, with AngleSharp's
/// HTML5 parser (so broken markup, comments, CDATA and entities read as a browser reads them). Every element
/// boundary other than an inline one counts as a space, so "&lt;p&gt;a&lt;/p&gt;&lt;p&gt;b&lt;/p&gt;" is "a b", not "ab",
/// while "We &lt;em&gt;launched&lt;/em&gt;." stays "We launched."; scripts, styles and templates are not text.
/// </summary>
public static class Html
{
    /// <summary>More tags than any real description has; the HTML5 parser slows down with the square of nesting depth.</summary>
    public const int MaxTags = 4_000;

    private static readonly HtmlParserOptions Options = new() { IsScripting = false };
    private static readonly HashSet<string> NotText = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "template", "noscript" };
    private static readonly HashSet<string> Inline = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd", "mark",
        "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
    };

    public static string ToText(string? html)
    {
        if (string.IsNullOrEmpty(html)) return "";
        // Thrown as a FormatException, the item is refused with this reason (ListingRules.Check); the rest are read.
        if (html.AsSpan().Count('<') > MaxTags) throw new FormatException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the HTML description has more than {MaxTags:N0} tags"));
        using var document = new HtmlParser(Options).ParseDocument(html);
        return ListingRules.Clean(TextOf(document.Body ?? (INode)document, html.Length));
    }

    // Iterative, not recursive: a feed can nest elements deeper than a thread's stack.
    private static string TextOf(INode root, int capacity)
    {
        var text = new StringBuilder(capacity);
        var pending = new Stack<INode?>(); // null: the end of a block element, a space
        pending.Push(root);
        while (pending.TryPop(out var node))
        {
            if (node is null or IText)
            {
                text.Append(node is IText t ? t.Data : " ");
                continue;
            }
            if (node is IElement e && NotText.Contains(e.LocalName)) continue;
            var block = node is not IElement inline || !Inline.Contains(inline.LocalName);
            if (block)
            {
                text.Append(' ');
                pending.Push(null);
            }
            for (var i = node.ChildNodes.Length - 1; i >= 0; i--) pending.Push(node.ChildNodes[i]);
        }
        return text.ToString();
    }
}
