using System.Collections.Concurrent;

namespace Digest.Mail.Rendering;

/// <summary>
/// The item partial rendered once per distinct item and reused by every digest that lists the same listing at
/// the same rank with the same snippet and topics (people who follow the same topic get the same items in a
/// cycle). The partial sees nothing but the item (see <see cref="PartialInclude"/>), so the fragment is what it
/// would have written in place. Bounded: when full, the store starts again (a new cycle brings new listings).
/// </summary>
internal sealed class ItemFragments(int capacity)
{
    private readonly ConcurrentDictionary<DigestEmailItem, string> _rendered = new(SameListingText.Instance);

    public string Get(DigestEmailItem item, Func<DigestEmailItem, string> render)
    {
        if (_rendered.TryGetValue(item, out var fragment)) return fragment;
        fragment = render(item);
        if (_rendered.Count >= capacity) _rendered.Clear();
        _rendered.TryAdd(item, fragment);
        return fragment;
    }
}
