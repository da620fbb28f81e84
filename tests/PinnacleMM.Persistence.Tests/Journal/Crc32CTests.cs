using System.Text;
using PinnacleMM.Persistence.Journal.Internal;

namespace PinnacleMM.Persistence.Tests.Journal;

[TestClass]
public sealed class Crc32CTests
{
    // The standard CRC-32C check value, so any other tool's CRC-32C can verify journal records.
    [TestMethod]
    public void Matches_the_standard_check_value() =>
        Assert.AreEqual(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));

    [TestMethod]
    public void Word_steps_agree_with_a_bitwise_reference_for_every_length()
    {
        var data = new byte[100];
        new Random(3).NextBytes(data);
        for (var length = 0; length <= data.Length; length++)
        {
            Assert.AreEqual(Reference(data.AsSpan(0, length)), Crc32C.Compute(data.AsSpan(0, length)), $"length {length}");
        }
    }

    private static uint Reference(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }
}
