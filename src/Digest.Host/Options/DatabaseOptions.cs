namespace Digest.Host.Options;

/// <summary>Where the data lives (section "Database").</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>A PostgreSQL connection string. Empty: Digest starts a private cluster in <see cref="LocalDirectory"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The private cluster's folder when no connection string is set (git-ignored).</summary>
    public string LocalDirectory { get; set; } = ".local/postgres";

    /// <summary>The database created in the private cluster.</summary>
    public string LocalDatabase { get; set; } = "digest";
}
