using PinnacleMM.Core.Books;

namespace PinnacleMM.Exchange.Coinbase.MarketData;

/// <summary>What decoding one feed message did. A value type: returning it allocates nothing unless <see cref="Message"/> is set.</summary>
/// <param name="Kind">What the message was.</param>
/// <param name="Status">The outcome.</param>
/// <param name="ProductIndex">The product index in <see cref="CoinbaseProductBooks"/> the message was about (for several, the first that failed or else the last), or -1.</param>
/// <param name="BookResult">The book's answer to the message's snapshot or changes; <see cref="DepthBookResultCode.Applied"/> when there were none.</param>
/// <param name="Sequence">The message's sequence number (Advanced Trade <c>sequence_num</c>; Exchange <c>sequence</c> of heartbeats, tickers and matches), or -1.</param>
/// <param name="Message">Why the message was refused (naming the field and the rule), or the venue's error text; null when applied or ignored.</param>
public readonly record struct CoinbaseDecodeResult(
    CoinbaseMessageKind Kind,
    CoinbaseDecodeStatus Status,
    int ProductIndex,
    DepthBookResultCode BookResult,
    long Sequence,
    string? Message)
{
    /// <summary>Whether the message was decoded and applied.</summary>
    public bool IsApplied => Status == CoinbaseDecodeStatus.Applied;

    /// <summary>The status, kind and message in one line, for logs.</summary>
    public override string ToString() => Message is null ? $"{Kind}: {Status}" : $"{Kind}: {Status}: {Message}";
}
