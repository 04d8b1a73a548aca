using System.Text.RegularExpressions;

namespace Digest.Mail.Rendering;

/// <summary>
/// Whether the item partial renders the same on its own as inside {{#each Items}}: it must not read outside its
/// item. @root, ../ and nested partials could; @index, @first, @last and @key could, unless an {{#each}} inside
/// the partial owns them (item.txt.hbs numbers its matched topics that way). Anything else renders in place.
/// </summary>
internal static partial class StandalonePartial
{
    public static bool CanRenderAlone(string source)
    {
        var blocks = new Stack<bool>(); // per open block: does it start an iteration of its own
        foreach (Match tag in Tag().Matches(Comment().Replace(source, "")))
        {
            var body = tag.Groups[1].Value.Trim('{', '}', '~', ' ', '\t', '\r', '\n');
            if (body.StartsWith('>') || body.Contains("../", StringComparison.Ordinal) || body.Contains("@root", StringComparison.Ordinal)) return false;
            if (body.Contains('@', StringComparison.Ordinal) && !blocks.Contains(true)) return false;
            if (body.StartsWith('#')) blocks.Push(IsEach(body[1..]));
            else if (body.StartsWith('/') && blocks.Count > 0) blocks.Pop();
            else if (body == "else" && blocks.Count > 0) { blocks.Pop(); blocks.Push(false); } // an each's else runs outside it
        }
        return true;
    }

    private static bool IsEach(string block) => block.TrimStart() is var b && b.StartsWith("each", StringComparison.Ordinal) && (b.Length == 4 || char.IsWhiteSpace(b[4]));

    [GeneratedRegex(@"\{\{~?!--.*?--~?\}\}|\{\{~?![^}]*\}\}", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"\{\{(.*?)\}\}", RegexOptions.Singleline)]
    private static partial Regex Tag();
}
