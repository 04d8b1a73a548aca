using System.Globalization;
using System.Text;

namespace Digest.Mail.Rendering;

/// <summary>
/// A person's item links without giving up shared item fragments: the email is rendered with a mark per listing
/// where its signed token belongs (the same for everyone, so an item rendered for one person is reused for the
/// next), and the marks are replaced by this person's tokens afterwards, in one pass over each part. The mark is
/// letters and digits only, so HTML escaping leaves it as it is.
/// </summary>
public static class ItemLinkMarks
{
    private const string Start = "zqDigestItemLinkzq";
    private const char End = 'q';

    public static string For(long listingId) => Start + listingId.ToString(CultureInfo.InvariantCulture) + End;

    /// <summary>Every mark in <paramref name="rendered"/> replaced by <paramref name="tokenFor"/> of its listing.</summary>
    public static string Fill(string rendered, Func<long, string> tokenFor)
    {
        ArgumentNullException.ThrowIfNull(rendered);
        ArgumentNullException.ThrowIfNull(tokenFor);
        var at = rendered.IndexOf(Start, StringComparison.Ordinal);
        if (at < 0) return rendered;
        var filled = new StringBuilder(rendered.Length + 1024);
        var from = 0;
        while (at >= 0)
        {
            var digits = at + Start.Length;
            var end = rendered.IndexOf(End, digits);
            if (end < 0 || !long.TryParse(rendered.AsSpan(digits, end - digits), NumberStyles.None, CultureInfo.InvariantCulture, out var listingId)) break;
            filled.Append(rendered, from, at - from).Append(tokenFor(listingId));
            from = end + 1;
            at = rendered.IndexOf(Start, from, StringComparison.Ordinal);
        }
        return filled.Append(rendered, from, rendered.Length - from).ToString();
    }
}
