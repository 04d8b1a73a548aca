using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;

namespace Digest.Ingest;

/// <summary>
/// One pass over a whole file before any of it is read: the line of its first NUL (binary data: the file is
/// refused before anything in it is stored, since a file is stored whole or not at all) and whether it is clearly
/// not UTF-8 (some bytes invalid, not one valid character of more than one byte: Latin-1). Reads in blocks, so
/// memory stays flat whatever the file's size.
/// </summary>
internal sealed class TextScan
{
    private const int BlockLength = 1 << 16;
    private long _line = 1;
    private bool _invalid, _multiByte;

    public long? NulLine { get; private set; }

    public bool ClearlyNotUtf8 => _invalid && !_multiByte;

    /// <param name="utf16">Null for a file of bytes (UTF-8 or Latin-1); else whether its UTF-16 is big-endian.</param>
    public static async Task<TextScan> RunAsync(Stream stream, bool? utf16, CancellationToken ct)
    {
        var scan = new TextScan();
        var buffer = ArrayPool<byte>.Shared.Rent(BlockLength);
        try
        {
            var carried = 0;
            while (scan.NulLine is null)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(carried, BlockLength - carried), ct);
                var block = buffer.AsSpan(0, carried + read);
                var rest = utf16 is { } bigEndian ? scan.Units(block, bigEndian) : scan.Bytes(block, atEnd: read == 0);
                if (read == 0) break;
                rest.CopyTo(buffer);
                carried = rest.Length;
            }
            return scan;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <returns>The bytes of a character cut at the end of the block, to be judged with the next block.</returns>
    private ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> block, bool atEnd)
    {
        // A character left over from the last block is never a NUL or a line end: those are single bytes.
        if (block.IndexOf((byte)0) is var nul and >= 0)
        {
            NulLine = _line + block[..nul].Count((byte)'\n');
            return [];
        }
        _line += block.Count((byte)'\n');
        while (!_multiByte && block.IndexOfAnyExceptInRange((byte)0, (byte)0x7F) is var at and >= 0)
        {
            block = block[at..];
            var status = Rune.DecodeFromUtf8(block, out _, out var consumed);
            if (status == OperationStatus.NeedMoreData && !atEnd) return block;
            _multiByte = status == OperationStatus.Done;
            _invalid |= status != OperationStatus.Done;
            block = block[consumed..];
        }
        return [];
    }

    /// <returns>The odd byte at the end of the block, to be read with the next block.</returns>
    private ReadOnlySpan<byte> Units(ReadOnlySpan<byte> block, bool bigEndian)
    {
        var whole = block[..(block.Length & ~1)];
        var units = MemoryMarshal.Cast<byte, ushort>(whole);
        var lineEnd = BitConverter.IsLittleEndian != bigEndian ? (ushort)'\n' : (ushort)('\n' << 8);
        if (units.IndexOf((ushort)0) is var nul and >= 0)
        {
            NulLine = _line + units[..nul].Count(lineEnd);
            return [];
        }
        _line += units.Count(lineEnd);
        return block[whole.Length..];
    }
}
