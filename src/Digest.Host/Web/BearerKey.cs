using System.Security.Cryptography;
using System.Text;

namespace Digest.Host.Web;

/// <summary>Checks an admin key sent in the Authorization header against the configured one, in constant time.</summary>
public static class BearerKey
{
    public static bool Matches(HttpRequest request, string key)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        var given = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : "";
        return Same(given, key);
    }

    /// <summary>Checks "Authorization: Basic" whose password is the key (any user name): what a browser can send.</summary>
    public static bool MatchesBasic(HttpRequest request, string key)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.Ordinal)) return false;
        string pair;
        try
        {
            pair = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }
        var colon = pair.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 && Same(pair[(colon + 1)..], key);
    }

    private static bool Same(string given, string key) =>
        // Hash both so the comparison takes the same time whatever the lengths and however much of a guess was right.
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
