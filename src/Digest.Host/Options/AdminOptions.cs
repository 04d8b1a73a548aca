namespace Digest.Host.Options;

/// <summary>The operators' API (section "Admin").</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>The key callers send as "Authorization: Bearer KEY". Empty: the admin API is off.</summary>
    public string? ApiKey { get; set; }
}
