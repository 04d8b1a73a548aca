using System.Security.Cryptography;
using Digest.Data.Repositories;
using Microsoft.AspNetCore.Identity;

namespace Digest.Host.OperatorConsole;

/// <summary>
/// Operators' passwords: generated here (never chosen by hand, so never reused from elsewhere) and stored only as
/// ASP.NET Core Identity's hash (PBKDF2-HMAC-SHA512 with a random salt; the hasher's defaults).
/// </summary>
public sealed class OperatorPasswords
{
    /// <summary>Letters and digits that cannot be mistaken for one another when read off a terminal.</summary>
    private const string Alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";

    public const int GeneratedLength = 20;

    private readonly PasswordHasher<OperatorAccount> _hasher = new();

    /// <summary>A hash of a password nobody knows: checked for an unknown name, so it takes as long as a known one.</summary>
    private readonly string _nobody;

    public OperatorPasswords() => _nobody = _hasher.HashPassword(new OperatorAccount(), Generate());

    public static string Generate() => RandomNumberGenerator.GetString(Alphabet, GeneratedLength);

    public string Hash(string password) => _hasher.HashPassword(new OperatorAccount(), password);

    /// <returns>Whether the password is right, and a new hash when the stored one is of an older format.</returns>
    public (bool Right, string? Rehashed) Check(OperatorAccount? account, string password)
    {
        var result = _hasher.VerifyHashedPassword(account ?? new OperatorAccount(), account?.PasswordHash ?? _nobody, password);
        if (account is null) return (false, null);
        return result switch
        {
            PasswordVerificationResult.Success => (true, null),
            PasswordVerificationResult.SuccessRehashNeeded => (true, Hash(password)),
            _ => (false, null),
        };
    }
}
