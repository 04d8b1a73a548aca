using System.ComponentModel.DataAnnotations;
using Digest.Mail.Rendering;

namespace Digest.Host.Options;

/// <summary>Where the email templates are (section "Templates").</summary>
public sealed class TemplateOptions : IValidatableObject
{
    public const string Section = "Templates";

    /// <summary>
    /// The folder with the Scriban templates: digest.html.sbn, digest.txt.sbn, partials/ and notices/ (an operator's copy of
    /// templates/email). Empty: the copy shipped beside the program.
    /// </summary>
    public string? Directory { get; set; }

    public string Resolve() =>
        string.IsNullOrWhiteSpace(Directory) ? Path.Combine(AppContext.BaseDirectory, "templates", "email") : Path.GetFullPath(Directory);

    /// <summary>At start, not at the first cycle: a missing template, or one that does not parse, with its file, line and column.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        string? problem = null;
        try
        {
            _ = new DigestRenderer(Resolve());
            _ = new NoticeRenderer(Resolve());
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            problem = e.Message;
        }
        if (problem is not null) yield return new ValidationResult($"{Section}:{nameof(Directory)} has a template problem: {problem}", [nameof(Directory)]);
    }
}
