using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Digest.Mail.Rendering;

/// <summary>
/// The Scriban templates of one part (HTML or text) in templates/email or an operator's copy of it: a
/// template is read and parsed once, and one that does not parse stops the program at start with its file,
/// line and column. Partials come from partials/ through <c>include "name"</c>; all of them are parsed here
/// too and handed to every context, so an include never parses again.
/// </summary>
internal sealed class TemplateFolder : ITemplateLoader
{
    public const string HtmlSuffix = ".html.sbn";
    public const string TextSuffix = ".txt.sbn";

    private readonly string _directory;
    private readonly string _suffix;
    private readonly Dictionary<string, Template> _partials = new(StringComparer.Ordinal);

    public TemplateFolder(string directory, string suffix)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"Email templates folder not found: {directory}");
        _directory = directory;
        _suffix = suffix;
        var partials = Path.Combine(directory, "partials");
        if (!Directory.Exists(partials)) return;
        foreach (var file in Directory.EnumerateFiles(partials, "*" + suffix))
            _partials[file] = Parse(file);
    }

    /// <summary>A template by its name without the part's suffix: "digest" or "notices/confirm".</summary>
    public Template Get(string name) => Parse(Path.Combine(_directory, name + _suffix));

    /// <summary>A parsed partial by its name, or null when the folder has none of that name.</summary>
    public Template? Partial(string name) => _partials.GetValueOrDefault(PartialPath(name));

    /// <summary>Gives a context the parsed partials, so include finds them in its cache.</summary>
    public void Prime(TemplateContext context)
    {
        foreach (var (path, template) in _partials) context.CachedTemplates[path] = template;
    }

    public string GetPath(TemplateContext context, SourceSpan callerSpan, string templateName)
    {
        var path = PartialPath(templateName);
        return _partials.ContainsKey(path) ? path : throw new ScriptRuntimeException(callerSpan, $"No partial '{templateName}': {path} not found");
    }

    private string PartialPath(string name) => Path.Combine(_directory, "partials", name + _suffix);

    // Only reached for a partial that is not cached, which GetPath has already refused.
    public string Load(TemplateContext context, SourceSpan callerSpan, string templatePath) => File.ReadAllText(templatePath);

    public ValueTask<string?> LoadAsync(TemplateContext context, SourceSpan callerSpan, string templatePath) =>
        ValueTask.FromResult<string?>(Load(context, callerSpan, templatePath));

    private static Template Parse(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Email template not found: {path}", path);
        var template = Template.Parse(File.ReadAllText(path), path);
        if (template.HasErrors)
            throw new InvalidOperationException($"Email template {path} does not parse:{Environment.NewLine}{string.Join(Environment.NewLine, template.Messages)}");
        return template;
    }
}
