namespace Digest.Host.OperatorConsole;

/// <summary>What an operator's name may be: short, and plain enough to type and to read in the audit log.</summary>
public static class OperatorNames
{
    public const int MaxLength = 64;

    public static string? Check(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength || !name.All(IsAllowed))
            return $"An operator name is 1-{MaxLength} letters, digits, '.', '_', '-' or '@' (got '{name}').";
        return null;
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@';
}
