namespace Digest.Ingest;

/// <summary>
/// A copy of a stream that cannot seek (a request body, a feed's answer) in a temporary file, deleted when closed:
/// a file is looked at whole before any of it is stored, and on disk that costs no memory whatever its size.
/// </summary>
public static class Spool
{
    /// <returns>The copy, positioned at its start; null when the stream holds more than <paramref name="maxBytes"/>.</returns>
    public static async Task<FileStream?> CopyAsync(Stream source, long maxBytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        var copy = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await source.ReadAsync(buffer, ct)) > 0)
            {
                if (copy.Length + read > maxBytes)
                {
                    await copy.DisposeAsync();
                    return null;
                }
                await copy.WriteAsync(buffer.AsMemory(0, read), ct);
            }
            copy.Position = 0;
            return copy;
        }
        catch
        {
            await copy.DisposeAsync();
            throw;
        }
    }
}
