using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Coinbase.Internal;

namespace PinnacleMM.Exchange.Tests.Coinbase;

[TestClass]
public sealed class FixedPointParserTests
{
    [TestMethod]
    [DataRow("0.01", "22356.270000", 2235627L)]
    [DataRow("0.01", "10101.1", 1010110L)]
    [DataRow("0.01", "0", 0L)]
    [DataRow("0.00000001", "0.45054140", 45054140L)]
    [DataRow("0.5", "12.5", 25L)]
    [DataRow("25", "100", 4L)]
    [DataRow("0.05", "1.15", 23L)]
    public void Plain_on_grid_text_takes_the_fast_path(string step, string text, long expected)
    {
        Assert.IsTrue(FixedPointParser.TryParseSteps(Encoding.UTF8.GetBytes(text), new GridStep(decimal.Parse(step, CultureInfo.InvariantCulture)), out var steps));
        Assert.AreEqual(expected, steps);
    }

    [TestMethod]
    [DataRow("0.01", "1.005")]
    [DataRow("0.5", "1.2")]
    [DataRow("0.01", "-1")]
    [DataRow("0.01", "1e3")]
    [DataRow("0.01", "1.")]
    [DataRow("0.01", ".5")]
    [DataRow("0.01", "")]
    [DataRow("0.01", "99999999999999999999999")]
    public void Unusual_or_off_grid_text_is_left_to_the_exact_parser(string step, string text)
    {
        Assert.IsFalse(FixedPointParser.TryParseSteps(Encoding.UTF8.GetBytes(text), new GridStep(decimal.Parse(step, CultureInfo.InvariantCulture)), out _));
    }

    [TestMethod]
    public void Fast_path_never_disagrees_with_InstrumentSpec()
    {
        var fast = 0;
        var steps = new[] { 0.01m, 0.00000001m, 0.5m, 0.25m, 1m, 5m, 0.001m, 0.05m };
        var gen = from step in Gen.Elements(steps)
                  from whole in Gen.Choose(0, 2_000_000)
                  from fracDigits in Gen.Choose(0, 12)
                  from frac in Gen.Choose(0, int.MaxValue)
                  from trailingZeros in Gen.Choose(0, 4)
                  from leadingZeros in Gen.Choose(0, 2)
                  from junk in Gen.Frequency((12, Gen.Constant("")), (1, Gen.Elements("-", "+", "e2", ".", "x", " ")))
                  select (Step: step, Text: Build(whole, fracDigits, frac, trailingZeros, leadingZeros, junk));
        Prop.ForAll(Arb.From(gen), c =>
        {
            var spec = new InstrumentSpec("X-Y", c.Step, c.Step);
            var bytes = Encoding.UTF8.GetBytes(c.Text);
            if (FixedPointParser.TryParseSteps(bytes, new GridStep(c.Step), out var ticks))
            {
                fast++;
                Assert.IsTrue(spec.TryParseQuantity(bytes, out var exact, out var error, allowZero: true), $"{c.Text} on step {c.Step}: fast path accepted, exact parser says {error}");
                Assert.AreEqual(exact.Lots, ticks, $"{c.Text} on step {c.Step}");
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(3_000).WithQuietOnSuccess(true));
        Assert.IsTrue(fast > 500, $"the fast path decided only {fast} cases");
    }

    private static string Build(int whole, int fracDigits, int frac, int trailingZeros, int leadingZeros, string junk)
    {
        var text = new string('0', leadingZeros) + whole.ToString(CultureInfo.InvariantCulture);
        if (fracDigits > 0)
        {
            var f = (frac % (long)Math.Pow(10, Math.Min(fracDigits, 9))).ToString(CultureInfo.InvariantCulture).PadLeft(Math.Min(fracDigits, 9), '0');
            text += "." + f + new string('0', trailingZeros);
        }

        return junk switch
        {
            "" => text,
            "-" or "+" or " " => junk + text,
            _ => text + junk,
        };
    }
}
