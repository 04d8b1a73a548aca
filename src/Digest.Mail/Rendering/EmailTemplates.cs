using System.Runtime.CompilerServices;
using Scriban;
using Scriban.Functions;
using Scriban.Runtime;

namespace Digest.Mail.Rendering;

/// <summary>
/// The Scriban machinery digests and notices share: for each name, an HTML and a text template from the same
/// folder, parsed once; every render on one thread reuses that thread's contexts (a new context per render
/// costs about as much as the render). HTML escapes every expression (<see cref="HtmlContext"/>); text escapes
/// nothing, because plain text has nothing to escape and "&amp;amp;" in a text part is a bug. A misspelled
/// name in a template throws with its file and line instead of rendering empty.
/// </summary>
internal sealed class EmailTemplates
{
    private readonly Part _html;
    private readonly Part _text;
    private readonly Dictionary<string, (Template Html, Template Text)> _templates = new(StringComparer.Ordinal);

    // Per thread and per instance; weak, so contexts go with a renderer that is no longer used.
    [ThreadStatic] private static ConditionalWeakTable<EmailTemplates, Contexts>? t_contexts;

    /// <param name="directory">templates/email or an operator's copy of it.</param>
    /// <param name="names">The templates to parse now, without suffix: "digest", "notices/confirm".</param>
    /// <param name="itemFragments">How many rendered items each part keeps for reuse (0: render every item in place).</param>
    public EmailTemplates(string directory, IEnumerable<string> names, int itemFragments = 0)
    {
        ArgumentNullException.ThrowIfNull(names);
        _html = new Part(new TemplateFolder(directory, TemplateFolder.HtmlSuffix), b => new HtmlContext(b), s => new RawHtml(s), itemFragments);
        _text = new Part(new TemplateFolder(directory, TemplateFolder.TextSuffix), b => new TemplateContext(b), s => s, itemFragments);
        foreach (var name in names) _templates[name] = (_html.Folder.Get(name), _text.Folder.Get(name));
    }

    public bool Has(string name) => _templates.ContainsKey(name);

    /// <summary>Both parts of the named template for the model, whose properties the templates see in snake_case.</summary>
    public RenderedEmail Render(string name, string subject, object model)
    {
        var (html, text) = _templates[name];
        var contexts = ForThisThread();
        var globals = ModelGlobals.For(model);
        // The text part gets the same treatment everywhere: no template indentation left, CRLF line ends.
        return new RenderedEmail(subject, Run(html, contexts.Html, globals), TextPart.Normalise(Run(text, contexts.Text, globals)));
    }

    internal static string Run(Template template, TemplateContext context, ScriptObject globals)
    {
        context.PushGlobal(globals);
        try
        {
            return template.Render(context);
        }
        catch
        {
            // A render that failed half way leaves pushed outputs and scopes behind; the next one starts clean.
            context.Reset();
            throw;
        }
        finally
        {
            if (context.CurrentGlobal == globals) context.PopGlobal();
        }
    }

    private Contexts ForThisThread() =>
        (t_contexts ??= []).GetValue(this, owner => new Contexts(owner._html.NewContext(), owner._text.NewContext()));

    private sealed record Contexts(TemplateContext Html, TemplateContext Text);

    /// <summary>What one part (HTML or text) is made of: its folder, its kind of context, how include output is marked.</summary>
    private sealed class Part(TemplateFolder folder, Func<ScriptObject, TemplateContext> create, Func<string, object> wrap, int itemFragments)
    {
        private readonly Template? _item = folder.Partial(PartialInclude.ItemName);
        private readonly ItemFragments? _fragments = itemFragments > 0 ? new ItemFragments(itemFragments) : null;

        public TemplateFolder Folder => folder;

        /// <summary>A context for a digest or notice, with its own context for the item partial.</summary>
        public TemplateContext NewContext()
        {
            var item = _item is null ? null : new ItemPartial(_item, Configure(null), _fragments);
            return Configure(item);
        }

        private TemplateContext Configure(ItemPartial? item)
        {
            var builtins = new BuiltinFunctions();
            builtins.SetValue("include", new PartialInclude(wrap, item), readOnly: true);
            var context = create(builtins);
            context.StrictVariables = true;
            context.EnableRelaxedMemberAccess = false;
            context.TemplateLoader = folder;
            folder.Prime(context);
            return context;
        }
    }
}
