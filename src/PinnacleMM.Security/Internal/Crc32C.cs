using System.Numerics;

namespace PinnacleMM.Security.Internal;

/// <summary>CRC-32C (Castagnoli; init and final xor 0xFFFFFFFF, reflected), hardware-accelerated.</summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
