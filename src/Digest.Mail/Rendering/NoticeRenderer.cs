namespace Digest.Mail.Rendering;

/// <summary>
/// Renders notices from templates/email/notices/{kind}.html.sbn and .txt.sbn on the digests' machinery:
/// parsed once, HTML escaped, text as it is.
/// </summary>
public sealed class NoticeRenderer
{
    public static readonly string[] Kinds = ["confirm", "already-subscribed"];
    private readonly EmailTemplates _templates;

    public NoticeRenderer(string templatesDirectory) =>
        _templates = new EmailTemplates(templatesDirectory, [.. Kinds.Select(Template)]);

    public RenderedEmail Render(NoticeEmail notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        if (!_templates.Has(Template(notice.Kind))) throw new ArgumentException($"No notice template '{notice.Kind}'.", nameof(notice));
        return _templates.Render(Template(notice.Kind), notice.Subject, notice);
    }

    private static string Template(string kind) => "notices/" + kind;
}
