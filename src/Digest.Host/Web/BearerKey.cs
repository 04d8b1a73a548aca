using System.Security.Cryptography;
using System.Text;

namespace Digest.Host.Web;

/// <summary>Checks "Authorization: Bearer KEY" against a configured key, in constant time.</summary>
public static class BearerKey
{
    public static bool Matches(HttpRequest request, string key)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        var given = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : "";
        // Hash both so the comparison takes the same time whatever the lengths and however much of a guess was right.
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }
}
