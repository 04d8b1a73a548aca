using System.Net.Mail;
using System.Text.RegularExpressions;

namespace Digest.Core.Subscribers;

/// <summary>
/// The address rules we hold at every door (form, CLI, import): one plain mailbox, no display name,
/// no line breaks that could smuggle a header, and a dotted domain we could actually deliver to.
/// </summary>
public static partial class EmailAddress
{
    public const int MaxLength = 254;

    public static bool TryNormalise(string? input, out string normalised, out string error)
    {
        normalised = "";
        var text = (input ?? "").Trim();
        error = text switch
        {
            "" => "Enter an email address.",
            { Length: > MaxLength } => $"An email address can be at most {MaxLength} characters.",
            _ when text.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0 => "An email address cannot contain line breaks.",
            _ when !Shape().IsMatch(WithAsciiDomain(text)) => $"'{text}' is not an email address like name@example.org.",
            _ => "",
        };
        if (error.Length > 0) return false;
        try
        {
            var parsed = new MailAddress(text);
            if (parsed.Address != text || !string.IsNullOrEmpty(parsed.DisplayName))
            {
                error = $"'{text}' is not an email address like name@example.org.";
                return false;
            }
        }
        catch (FormatException)
        {
            error = $"'{text}' is not an email address like name@example.org.";
            return false;
        }
        var at = text.LastIndexOf('@');
        normalised = text[..at] + "@" + text[(at + 1)..].ToLowerInvariant();
        return true;
    }

    /// <summary>
    /// The one key an address is known by, wherever it is stored or looked up (subscribers, suppressions,
    /// bounces): lower case, and an international domain in its Unicode form however it arrived, since a
    /// bounce names user@xn--exmple-cua.org for the user@exämple.org who signed up.
    /// </summary>
    public static string Key(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var text = address.Trim().ToLowerInvariant();
        var at = text.LastIndexOf('@');
        if (at < 0) return text;
        try
        {
            return text[..at] + "@" + Idn.GetUnicode(Idn.GetAscii(text[(at + 1)..]));
        }
        catch (ArgumentException)
        {
            return text;
        }
    }

    /// <summary>An internationalised domain (exämple.org) is checked in its ASCII form (xn--exmple-cua.org).</summary>
    private static string WithAsciiDomain(string text)
    {
        var at = text.LastIndexOf('@');
        if (at < 0 || System.Text.Ascii.IsValid(text.AsSpan(at + 1))) return text;
        try
        {
            return text[..at] + "@" + Idn.GetAscii(text[(at + 1)..]);
        }
        catch (ArgumentException)
        {
            return text;
        }
    }

    private static readonly System.Globalization.IdnMapping Idn = new();

    // local@domain.tld: no spaces, quotes, angle brackets or commas anywhere; a dot in the domain.
    [GeneratedRegex(@"^[^\s@""<>(),;:\\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
