using System.Globalization;
using System.Text;

namespace PinnacleMM.Persistence.Internal;

/// <summary>
/// The folder name of an instrument under the data directory. Symbols may contain '/' and '.' (even
/// be ".."), so every character other than A–Z, a–z, 0–9, '-' and '_' is written as '~' and two hex
/// digits: "BTC/USD" → "BTC~2FUSD". The mapping is one-to-one ('~' never occurs in a symbol), and a
/// name can never leave the data directory.
/// </summary>
internal static class InstrumentFolder
{
    public const string JournalFolder = "journal";
    public const string SnapshotFolder = "snapshots";

    public static string NameOf(string symbol)
    {
        var name = new StringBuilder(symbol.Length);
        foreach (var c in symbol)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            {
                name.Append(c);
            }
            else
            {
                name.Append('~').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return name.ToString();
    }
}
