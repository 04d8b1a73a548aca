using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using HandlebarsDotNet;

namespace Digest.Mail.Rendering;

/// <summary>
/// The item partial rendered once per distinct item and reused by every digest that lists the same
/// listing at the same rank with the same snippet and topics (people who follow the same topic get the
/// same items in a cycle). The fragment comes from the same compiled partial in an environment with the
/// same escaping, and goes into the digest as already-escaped text, so the output is what the partial
/// itself would have written. Bounded: when full, the store starts again (a new cycle brings new listings).
/// </summary>
internal sealed class ItemFragments(HandlebarsTemplate<TextWriter, object, object> partial, int capacity)
{
    private readonly ConcurrentDictionary<DigestEmailItem, RenderedItem> _rendered = new(SameListingText.Instance);

    public RenderedItem Get(object? context) => context is DigestEmailItem item ? Get(item) : new RenderedItem(Render(context));

    public RenderedItem Get(DigestEmailItem item)
    {
        if (_rendered.TryGetValue(item, out var fragment)) return fragment;
        fragment = new RenderedItem(Render(item));
        if (_rendered.Count >= capacity) _rendered.Clear();
        _rendered.TryAdd(item, fragment);
        return fragment;
    }

    public string Render(object? context)
    {
        using var writer = new StringWriter(new StringBuilder(2 * 1024), CultureInfo.InvariantCulture);
        partial(writer, context!, null!);
        return writer.ToString();
    }
}
