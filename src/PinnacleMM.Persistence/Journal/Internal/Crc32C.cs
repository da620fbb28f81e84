using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PinnacleMM.Persistence.Journal.Internal;

/// <summary>
/// Standard CRC-32C (Castagnoli, as in iSCSI and ext4: initial value 0xFFFFFFFF, final XOR 0xFFFFFFFF)
/// with the hardware instruction behind <see cref="BitOperations.Crc32C(uint, ulong)"/>, 8 bytes a step.
/// Reads little-endian words: the journal refuses to open on big-endian machines.
/// </summary>
internal static class Crc32C
{
    /// <summary>The starting register value; pass the result of <see cref="Update"/> through <see cref="Finish"/>.</summary>
    public const uint Seed = 0xFFFFFFFF;

    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Update(Seed, data));

    public static uint Finish(uint crc) => ~crc;

    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        ref var start = ref MemoryMarshal.GetReference(data);
        var length = data.Length;
        var i = 0;
        for (; i <= length - 8; i += 8)
        {
            crc = BitOperations.Crc32C(crc, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i)));
        }

        if (i <= length - 4)
        {
            crc = BitOperations.Crc32C(crc, Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, i)));
            i += 4;
        }

        for (; i < length; i++)
        {
            crc = BitOperations.Crc32C(crc, Unsafe.Add(ref start, i));
        }

        return crc;
    }
}
