using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PinnacleMM.Persistence.Journal.Internal;

/// <summary>
/// Standard CRC-32C (Castagnoli, as in iSCSI and ext4: initial value 0xFFFFFFFF, final XOR 0xFFFFFFFF)
/// with the hardware instruction behind <see cref="BitOperations.Crc32C(uint, ulong)"/>, 8 bytes a step.
/// Reads little-endian words: the journal refuses to open on big-endian machines.
/// </summary>
/// <remarks>
/// The instruction has a latency of about three cycles but can start one per cycle, so one running CRC
/// uses a third of it. Inputs of at least <see cref="StripeSize"/> bytes are therefore cut into stripes
/// of three <see cref="Lane"/>-byte lanes whose CRCs run side by side and are then joined: the CRC
/// register is linear, so continuing a CRC over <see cref="Lane"/> more bytes is the register shifted
/// through a fixed 32×32 bit matrix (applied with four table lookups) XOR the CRC of those bytes from
/// zero. Small records (a 64-byte payload) take the plain loop.
/// </remarks>
internal static class Crc32C
{
    /// <summary>The starting register value; pass the result of <see cref="Update"/> through <see cref="Finish"/>.</summary>
    public const uint Seed = 0xFFFFFFFF;

    private const int Lane = 256;
    private const int StripeSize = 3 * Lane;

    // ShiftTable[256 * k + v] = the register v << (8 * k) carried through Lane zero bytes.
    private static readonly uint[] ShiftTable = BuildShiftTable();

    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Update(Seed, data));

    public static uint Finish(uint crc) => ~crc;

    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        ref var start = ref MemoryMarshal.GetReference(data);
        var length = data.Length;
        var i = 0;
        for (; i <= length - StripeSize; i += StripeSize)
        {
            var a = crc;
            var b = 0u;
            var c = 0u;
            ref var lane = ref Unsafe.Add(ref start, i);
            for (var j = 0; j < Lane; j += 8)
            {
                a = BitOperations.Crc32C(a, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref lane, j)));
                b = BitOperations.Crc32C(b, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref lane, Lane + j)));
                c = BitOperations.Crc32C(c, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref lane, (2 * Lane) + j)));
            }

            crc = Shift(Shift(a) ^ b) ^ c;
        }

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Shift(uint crc)
    {
        ref var table = ref MemoryMarshal.GetArrayDataReference(ShiftTable);
        return Unsafe.Add(ref table, (int)(crc & 0xFF))
            ^ Unsafe.Add(ref table, 256 + (int)((crc >> 8) & 0xFF))
            ^ Unsafe.Add(ref table, 512 + (int)((crc >> 16) & 0xFF))
            ^ Unsafe.Add(ref table, 768 + (int)(crc >> 24));
    }

    private static uint[] BuildShiftTable()
    {
        var table = new uint[4 * 256];
        for (var k = 0; k < 4; k++)
        {
            for (var v = 0; v < 256; v++)
            {
                var crc = (uint)v << (8 * k);
                for (var j = 0; j < Lane; j += 8)
                {
                    crc = BitOperations.Crc32C(crc, 0UL);
                }

                table[(256 * k) + v] = crc;
            }
        }

        return table;
    }
}
