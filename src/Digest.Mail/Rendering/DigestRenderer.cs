namespace Digest.Mail.Rendering;

/// <summary>
/// Renders digests from the Scriban templates in templates/email: digest.html.sbn and digest.txt.sbn, each
/// item through the partial partials/item.*.sbn, which sees only the item and is rendered once per distinct
/// item (<see cref="ItemFragments"/>). Templates are parsed once, when the renderer is made; rendering is then
/// a pure function of the model and safe from many threads.
/// </summary>
public sealed class DigestRenderer
{
    private const string Digest = "digest";
    private readonly EmailTemplates _templates;

    /// <param name="templatesDirectory">templates/email or an operator's copy of it.</param>
    /// <param name="itemFragments">How many rendered items each part keeps for reuse (0: render every item in place).
    /// Each costs the size of one rendered item in memory.</param>
    public DigestRenderer(string templatesDirectory, int itemFragments = DefaultItemFragments) =>
        _templates = new EmailTemplates(templatesDirectory, [Digest], itemFragments);

    /// <summary>Enough for a cycle's 1,000 listings at 10 ranks (the deliver benchmark's digests).</summary>
    public const int DefaultItemFragments = 16_384;

    public RenderedEmail Render(DigestEmail email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return _templates.Render(Digest, email.Subject, email);
    }
}
