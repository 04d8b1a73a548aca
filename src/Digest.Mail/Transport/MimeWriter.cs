using System.Globalization;
using System.Text;

namespace Digest.Mail.Transport;

/// <summary>
/// Writes an <see cref="EmailMessage"/> as RFC 5322 / MIME bytes: multipart/alternative with the text part
/// first and the HTML part last (clients show the last part they can), both UTF-8 in base64 so no line is
/// ever too long and nothing needs dot-stuffing. Non-ASCII in the subject and names is RFC 2047-encoded.
/// </summary>
public static class MimeWriter
{
    private const int Base64LineLength = 76;
    private static readonly System.Buffers.SearchValues<char> NotInAddress = System.Buffers.SearchValues.Create("\r\n<>\" ,;");

    public static byte[] Write(EmailMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var boundary = "=_digest_" + Guid.NewGuid().ToString("N");
        var sb = new StringBuilder(message.Html.Length * 2 + message.Text.Length * 2 + 2048);
        Header(sb, "From", Address(message.From));
        Header(sb, "To", "<" + CheckAddress(message.To) + ">");
        Header(sb, "Subject", EncodeWord(message.Subject));
        Header(sb, "Date", message.Date.ToString("ddd, dd MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture) + message.Date.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", "", StringComparison.Ordinal));
        Header(sb, "Message-ID", message.MessageId);
        foreach (var (name, value) in message.Headers) Header(sb, name, value);
        Header(sb, "MIME-Version", "1.0");
        Header(sb, "Content-Type", $"multipart/alternative; boundary=\"{boundary}\"");
        sb.Append("\r\n");
        Part(sb, boundary, "text/plain", message.Text);
        Part(sb, boundary, "text/html", message.Html);
        sb.Append("--").Append(boundary).Append("--\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    private static void Part(StringBuilder sb, string boundary, string type, string content)
    {
        sb.Append("--").Append(boundary).Append("\r\n");
        sb.Append("Content-Type: ").Append(type).Append("; charset=utf-8\r\n");
        sb.Append("Content-Transfer-Encoding: base64\r\n\r\n");
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(content));
        for (var i = 0; i < base64.Length; i += Base64LineLength)
            sb.Append(base64, i, Math.Min(Base64LineLength, base64.Length - i)).Append("\r\n");
    }

    /// <summary>Writes one header, refusing line breaks (header injection) and folding long values at spaces.</summary>
    private static void Header(StringBuilder sb, string name, string value)
    {
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
            throw new ArgumentException($"The {name} header contains a line break.", nameof(value));
        var line = name + ": " + value;
        while (line.Length > 78)
        {
            var cut = line.LastIndexOf(' ', 78);
            if (cut <= name.Length + 1) break;
            sb.Append(line, 0, cut).Append("\r\n");
            line = line[cut..];
        }
        sb.Append(line).Append("\r\n");
    }

    private static string Address(Mailbox mailbox) =>
        string.IsNullOrEmpty(mailbox.Name)
            ? "<" + CheckAddress(mailbox.Address) + ">"
            : EncodePhrase(mailbox.Name) + " <" + CheckAddress(mailbox.Address) + ">";

    private static string CheckAddress(string address) =>
        address.AsSpan().IndexOfAny(NotInAddress) >= 0 ? throw new ArgumentException($"Not a plain address: {address}", nameof(address)) : address;

    /// <summary>A display name: quoted when ASCII, RFC 2047 encoded words when not.</summary>
    private static string EncodePhrase(string text) =>
        IsPrintableAscii(text) ? "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"" : EncodeWord(text);

    /// <summary>RFC 2047 "B" encoded words of at most 75 characters each, split between whole characters.</summary>
    public static string EncodeWord(string text)
    {
        if (IsPrintableAscii(text)) return text;
        var words = new List<string>();
        var chunk = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            var candidate = chunk.ToString() + rune.ToString();
            // 45 UTF-8 bytes make 60 base64 characters; with "=?utf-8?B?" and "?=" that is 72.
            if (Encoding.UTF8.GetByteCount(candidate) > 45)
            {
                words.Add(Word(chunk.ToString()));
                chunk.Clear();
            }
            chunk.Append(rune.ToString());
        }
        if (chunk.Length > 0) words.Add(Word(chunk.ToString()));
        return string.Join(' ', words);
    }

    private static string Word(string s) => "=?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(s)) + "?=";

    private static bool IsPrintableAscii(string s)
    {
        foreach (var c in s)
            if (c is < ' ' or > '~') return false;
        return true;
    }
}
