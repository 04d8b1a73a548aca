using System.Diagnostics.CodeAnalysis;
using HandlebarsDotNet;
using HandlebarsDotNet.IO;

namespace Digest.Mail.Rendering;

/// <summary>An item as the item partial rendered it: already escaped, so it is written as it is.</summary>
internal sealed class RenderedItem(string text)
{
    public string Text => text;
}

/// <summary>
/// Lets the "item" partial be a plain delegate: a partial writes through a TextWriter that escapes every string,
/// but hands any other object to the formatter for its type, and this one writes the fragment unescaped.
/// </summary>
internal sealed class RenderedItemFormatter : IFormatter, IFormatterProvider
{
    public void Format<T>(T value, in EncodedTextWriter writer) => writer.WriteSafeString(((RenderedItem)(object)value!).Text);

    public bool TryCreateFormatter(Type type, [NotNullWhen(true)] out IFormatter? formatter)
    {
        formatter = type == typeof(RenderedItem) ? this : null;
        return formatter is not null;
    }
}
