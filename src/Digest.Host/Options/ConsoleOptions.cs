using System.ComponentModel.DataAnnotations;

namespace Digest.Host.Options;

/// <summary>The operator console under /admin (section "Console"): its sign-in and lock-out policy.</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>Wrong passwords in a row that lock an account.</summary>
    [Range(1, 100)]
    public int LockoutFailures { get; set; } = 5;

    /// <summary>How long a locked account refuses every sign-in, even with the right password.</summary>
    [Range(1, 1440)]
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>Sign-in attempts one client address may send a web node in a minute, whatever names it tries; more get 429.</summary>
    [Range(1, 10000)]
    public int SignInsPerMinute { get; set; } = 20;

    /// <summary>How long a sign-in lasts without use (each console request extends it).</summary>
    [Range(1, 168)]
    public int SessionHours { get; set; } = 8;
}
