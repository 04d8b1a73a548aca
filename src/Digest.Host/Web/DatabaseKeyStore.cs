using System.Xml.Linq;
using Digest.Data.Repositories;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Digest.Host.Web;

/// <summary>
/// Keeps the data-protection keys (which sign antiforgery tokens and cookies) in PostgreSQL, so every web
/// node reads and writes the same ones: a form served by one node is accepted by the next. The keys are
/// stored unencrypted; whoever can read the database can already change any subscriber.
/// </summary>
public sealed class DatabaseKeyStore(DataProtectionKeyRepository keys) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() => keys.All().Select(XElement.Parse).ToList();

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        keys.Store(string.IsNullOrEmpty(friendlyName) ? Guid.NewGuid().ToString("N") : friendlyName, element.ToString(SaveOptions.DisableFormatting));
    }
}
