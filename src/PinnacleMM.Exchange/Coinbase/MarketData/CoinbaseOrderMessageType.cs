namespace PinnacleMM.Exchange.Coinbase.MarketData;

/// <summary>The <c>type</c> of a Coinbase Exchange <c>full</c>/<c>user</c> channel order message.</summary>
public enum CoinbaseOrderMessageType : byte
{
    /// <summary><c>received</c>: the matching engine accepted the order; carries our <c>client_oid</c>.</summary>
    Received = 0,

    /// <summary><c>open</c>: the order's rest now rests on the book.</summary>
    Open,

    /// <summary><c>match</c>: a trade between a maker and a taker order.</summary>
    Match,

    /// <summary><c>done</c>: the order left the book (<c>reason</c> <c>filled</c> or <c>canceled</c>).</summary>
    Done,

    /// <summary><c>change</c>: the order's size changed (e.g. self-trade prevention decremented it).</summary>
    Change,

    /// <summary><c>activate</c>: a stop order was triggered.</summary>
    Activate,
}
