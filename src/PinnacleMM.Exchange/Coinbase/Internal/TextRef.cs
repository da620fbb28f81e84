namespace PinnacleMM.Exchange.Coinbase.Internal;

/// <summary>A string value copied into a decoder's <see cref="TextBuffer"/>: its start and length there; start -1 when absent.</summary>
internal readonly record struct TextRef(int Start, int Length)
{
    public static TextRef None => new(-1, 0);

    public bool IsSet => Start >= 0;
}
