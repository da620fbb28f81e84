using System.Buffers.Binary;

namespace PinnacleMM.Persistence.Tests.Journal;

/// <summary>
/// Where records lie in a set of segment files, parsed independently of the library from the documented
/// format: a 64-byte segment header, then records of a 32-byte header (int32 length at 0, uint16 type
/// at 4) and the payload padded to 8 bytes, until a zeroed header.
/// </summary>
internal sealed record SegmentLayout(string Path, long Length, List<(long Offset, long Size, long Sequence)> Records, long EndOffset)
{
    public static List<SegmentLayout> Parse(string[] segmentPaths)
    {
        var layouts = new List<SegmentLayout>();
        long sequence = 1;
        foreach (var path in segmentPaths)
        {
            var bytes = File.ReadAllBytes(path);
            var records = new List<(long, long, long)>();
            var offset = 64;
            while (offset + 32 <= bytes.Length)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
                var type = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset + 4));
                if (length == 0 && type == 0)
                {
                    break;
                }

                var size = 32 + ((length + 7) & ~7);
                records.Add((offset, size, sequence++));
                offset += size;
            }

            layouts.Add(new SegmentLayout(path, bytes.Length, records, offset));
        }

        return layouts;
    }
}
