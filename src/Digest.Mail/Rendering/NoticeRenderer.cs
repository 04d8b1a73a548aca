using HandlebarsDotNet;

namespace Digest.Mail.Rendering;

/// <summary>
/// Renders notices from templates/email/notices/{kind}.html.hbs and .txt.hbs, compiled once. HTML escapes
/// every value; text escapes nothing. Few are sent, so the simple string-returning templates are enough.
/// </summary>
public sealed class NoticeRenderer
{
    public static readonly string[] Kinds = ["confirm", "already-subscribed"];
    private readonly Dictionary<string, (HandlebarsTemplate<object, object> Html, HandlebarsTemplate<object, object> Text)> _templates = [];

    public NoticeRenderer(string templatesDirectory)
    {
        var folder = Path.Combine(templatesDirectory, "notices");
        var html = Handlebars.Create(new HandlebarsConfiguration());
        var text = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true });
        foreach (var kind in Kinds)
            _templates[kind] = (html.Compile(TemplateFile.Read(Path.Combine(folder, kind + ".html.hbs"))),
                text.Compile(TemplateFile.Read(Path.Combine(folder, kind + ".txt.hbs"))));
    }

    public RenderedEmail Render(NoticeEmail notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (!_templates.TryGetValue(notice.Kind, out var templates)) throw new ArgumentException($"No notice template '{notice.Kind}'.", nameof(notice));
        // The text part gets the digests' treatment: no template indentation left, CRLF line ends.
        return new RenderedEmail(notice.Subject, templates.Html(notice), TextPart.Normalise(templates.Text(notice)));
    }
}
