using System.Globalization;
using System.Text;

namespace Digest.Mail.Rendering;

/// <summary>
/// One writer per thread that renders, reused for every part: a fresh 32 KB builder per part, grown and then
/// copied into the string, made garbage collection the largest cost of a render (perf on one core: about half
/// the samples in the GC, memset and the kernel's page handling).
/// </summary>
internal static class PartWriter
{
    // A digest far larger than usual should not pin its buffer to the thread for good.
    private const int KeepUpTo = 256 * 1024;

    [ThreadStatic] private static StringWriter? t_writer;

    public static StringWriter ForThisThread()
    {
        var writer = t_writer;
        if (writer is null || writer.GetStringBuilder().Capacity > KeepUpTo)
            t_writer = writer = new StringWriter(new StringBuilder(32 * 1024), CultureInfo.InvariantCulture);
        return writer;
    }
}
