using System.ComponentModel.DataAnnotations;

namespace Digest.Host.Options;

/// <summary>Sign-up and the subscriber pages' abuse limits (section "Signup").</summary>
public sealed class SignupOptions
{
    public const string Section = "Signup";

    /// <summary>How long a confirmation link works; a sign-up not confirmed by then is forgotten.</summary>
    [Range(1, 24 * 30)]
    public int ConfirmLifetimeHours { get; set; } = 48;

    /// <summary>At most one confirmation or reminder per address in this many minutes, however often the form is sent.</summary>
    [Range(0, 24 * 60)]
    public int ResendAfterMinutes { get; set; } = 10;

    /// <summary>Subscribe form posts per client address per minute, on each web node.</summary>
    [Range(1, 100_000)]
    public int SubscribePerMinute { get; set; } = 5;

    /// <summary>Requests to token pages whose token we did not sign (guesses) and to the topic check, per client address per minute, on each web node.</summary>
    [Range(1, 100_000)]
    public int LinksPerMinute { get; set; } = 60;

    /// <summary>
    /// Requests with a link we signed (item links, feedback, confirm, preferences, unsubscribe) and to listing pages,
    /// per client address per minute, on each web node: many readers may share one address (an office's NAT).
    /// </summary>
    [Range(1, 1_000_000)]
    public int SignedLinksPerMinute { get; set; } = 600;
}
