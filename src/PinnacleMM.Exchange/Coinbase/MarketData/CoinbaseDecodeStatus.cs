namespace PinnacleMM.Exchange.Coinbase.MarketData;

/// <summary>
/// The outcome of decoding one Coinbase feed message. Every status other than <see cref="Applied"/> and
/// <see cref="Ignored"/> comes with a <see cref="CoinbaseDecodeResult.Message"/> naming the field and the rule.
/// A message that is not <see cref="Applied"/> left every book exactly as it was, except that
/// <see cref="SequenceGap"/> marks books out of sync.
/// </summary>
public enum CoinbaseDecodeStatus : byte
{
    /// <summary>Decoded; its book changes (if any) were applied and its events delivered.</summary>
    Applied = 0,

    /// <summary>Nothing to do: an unknown message type, a product this connection does not follow, or a subscription reply.</summary>
    Ignored,

    /// <summary>The text is not valid JSON (or not one JSON object).</summary>
    MalformedJson,

    /// <summary>Valid JSON, but a field is missing, has the wrong type, or holds a value off the instrument's grid.</summary>
    InvalidMessage,

    /// <summary>The book refused the change; <see cref="CoinbaseDecodeResult.BookResult"/> says why (e.g. a crossed snapshot, or an update while waiting for a snapshot).</summary>
    BookRejected,

    /// <summary>The message's sequence number skipped numbers: messages were lost and the affected books are out of sync.</summary>
    SequenceGap,

    /// <summary>The message's sequence number is not above the last one: an old or repeated message, ignored.</summary>
    Stale,

    /// <summary>The venue sent an <c>error</c> message.</summary>
    VenueError,
}
