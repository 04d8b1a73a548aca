using NodaTime;

namespace Digest.Delivery;

/// <summary>
/// Double opt-in: how long a confirmation link works (an unconfirmed sign-up is forgotten after it), and how
/// soon another notice may go to the same address (so the form cannot be used to flood someone's inbox).
/// </summary>
public sealed record SignupSettings(Duration ConfirmLifetime, Duration ResendAfter);
