using System.Text;
using System.Text.Json;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Coinbase.Internal;

namespace PinnacleMM.Exchange.Tests.Coinbase;

/// <summary>The decoders' side and property-name dispatch, against the plain definitions they replace.</summary>
[TestClass]
public sealed class JsonFieldsTests
{
    [TestMethod]
    [DataRow("bid", true, Side.Buy)]
    [DataRow("BUY", true, Side.Buy)]
    [DataRow("Buy", true, Side.Buy)]
    [DataRow("offer", true, Side.Sell)]
    [DataRow("ask", true, Side.Sell)]
    [DataRow("SELL", true, Side.Sell)]
    [DataRow("bix", false, Side.Buy)]
    [DataRow("bu", false, Side.Buy)]
    [DataRow("asks", false, Side.Buy)]
    [DataRow("offers", false, Side.Buy)]
    [DataRow("sel", false, Side.Buy)]
    [DataRow("", false, Side.Buy)]
    [DataRow("xxxx", false, Side.Buy)]
    [DataRow("öffer", false, Side.Buy)]
    public void Side_is_one_of_the_five_words_in_any_case(string text, bool valid, Side expected)
    {
        Assert.AreEqual(valid, JsonFields.TryParseSide(Encoding.UTF8.GetBytes(text), out var side), text);
        if (valid)
        {
            Assert.AreEqual(expected, side);
        }

        // The model: a case-insensitive comparison with each word.
        var model = new[] { "buy", "bid", "sell", "offer", "ask" }.Any(w => string.Equals(w, text, StringComparison.OrdinalIgnoreCase));
        Assert.AreEqual(model, valid);
    }

    [TestMethod]
    [DataRow("""{"channel":1}""", "channel", true)]
    [DataRow("""{"ch\u0061nnel":1}""", "channel", true)]
    [DataRow("""{"channels":1}""", "channel", false)]
    [DataRow("""{"chann\u0065":1}""", "channel", false)]
    [DataRow("""{"":1}""", "channel", false)]
    public void Property_names_compare_escaped_or_not(string json, string name, bool expected)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        reader.Read();
        Assert.AreEqual(expected, JsonFields.NameIs(in reader, Encoding.UTF8.GetBytes(name)));
        Assert.AreEqual(expected, reader.ValueTextEquals(name), "agrees with the reader's own comparison");
    }
}
