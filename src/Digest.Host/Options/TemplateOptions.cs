namespace Digest.Host.Options;

/// <summary>Where the email templates are (section "Templates").</summary>
public sealed class TemplateOptions
{
    public const string Section = "Templates";

    /// <summary>The folder with digest.html.hbs, digest.txt.hbs and partials/. Empty: the copy shipped beside the program.</summary>
    public string? Directory { get; set; }

    public string Resolve() =>
        string.IsNullOrWhiteSpace(Directory) ? Path.Combine(AppContext.BaseDirectory, "templates", "email") : Path.GetFullPath(Directory);
}
