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

    [TestMethod]
    public void Three_lane_stripes_agree_with_a_bitwise_reference_around_every_stripe_boundary()
    {
        // Stripes are 768 bytes: lengths just below, at and above one, two and several stripes, and a
        // running CRC continued over two unequal pieces.
        var data = new byte[5000];
        new Random(4).NextBytes(data);
        foreach (var length in new[] { 767, 768, 769, 775, 776, 1535, 1536, 1537, 2311, 4096, 4120, 5000 })
        {
            Assert.AreEqual(Reference(data.AsSpan(0, length)), Crc32C.Compute(data.AsSpan(0, length)), $"length {length}");
        }

        for (var cut = 0; cut <= data.Length; cut += 331)
        {
            var running = Crc32C.Update(Crc32C.Update(Crc32C.Seed, data.AsSpan(0, cut)), data.AsSpan(cut));
            Assert.AreEqual(Reference(data), Crc32C.Finish(running), $"cut at {cut}");
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
