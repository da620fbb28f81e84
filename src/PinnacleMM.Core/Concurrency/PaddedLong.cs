using System.Runtime.InteropServices;

namespace PinnacleMM.Core.Concurrency;

/// <summary>
/// A <see cref="long"/> alone on its cache line, with a whole line of padding on each side so that the
/// adjacent-line prefetcher cannot pull it into false sharing either.
/// <code>
/// offset 0 ......... 63 | 64 Value 71 | 72 ........ 191
///        padding        |  the value  |     padding
/// </code>
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 192)]
internal struct PaddedLong
{
    /// <summary>The value; access it with <see cref="Volatile"/> or <see cref="Interlocked"/> when shared.</summary>
    [FieldOffset(64)]
    public long Value;
}
