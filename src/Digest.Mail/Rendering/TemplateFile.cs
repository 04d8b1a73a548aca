namespace Digest.Mail.Rendering;

/// <summary>Reads one template file, or says which one is missing (an operator's template folder may lack it).</summary>
internal static class TemplateFile
{
    public static string Read(string path) =>
        File.Exists(path) ? File.ReadAllText(path) : throw new FileNotFoundException($"Email template not found: {path}", path);
}
