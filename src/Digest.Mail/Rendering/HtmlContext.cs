using System.Text.Encodings.Web;
using System.Text.Unicode;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;

namespace Digest.Mail.Rendering;

/// <summary>HTML that our own code made and that goes into the output as it is; everything else is escaped.</summary>
internal sealed record RawHtml(string Html)
{
    public override string ToString() => Html;
}

/// <summary>
/// A Scriban context for HTML parts: Scriban escapes nothing by itself, so every {{ expression }} is encoded
/// here (all of Unicode stays as it is: 'ë' is not turned into "&amp;#235;"). Only a <see cref="RawHtml"/> passes
/// unchanged; include returns one (<see cref="PartialInclude"/>).
/// </summary>
internal sealed class HtmlContext : TemplateContext
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public HtmlContext(ScriptObject builtins) : base(builtins)
    {
    }

    public override TemplateContext Write(SourceSpan span, object? textAsObject) => textAsObject switch
    {
        null => this,
        RawHtml raw => Write(raw.Html),
        _ => Write(Encoder.Encode(ObjectToString(textAsObject) ?? "")),
    };
}
