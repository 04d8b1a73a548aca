using System.Net;
using System.Text.RegularExpressions;

namespace Digest.Ingest.Formats;

/// <summary>Turns the HTML some feeds put in their descriptions into the plain text we store.</summary>
public static partial class Html
{
    public static string ToText(string? html)
    {
        if (string.IsNullOrEmpty(html)) return "";
        var withoutScripts = ScriptOrStyle().Replace(html, " ");
        var withoutTags = Tag().Replace(withoutScripts, " ");
        return ListingRules.Clean(WebUtility.HtmlDecode(withoutTags));
    }

    [GeneratedRegex(@"<(script|style)\b[^>]*>.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex ScriptOrStyle();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tag();
}
