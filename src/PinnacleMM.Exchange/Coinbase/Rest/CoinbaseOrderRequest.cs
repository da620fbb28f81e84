using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Exchange.Coinbase.Rest;

/// <summary>A new order for <see cref="CoinbaseRestClient.PlaceOrderAsync"/> (<c>POST /orders</c>). Checked completely before anything is sent.</summary>
public sealed record CoinbaseOrderRequest
{
    /// <summary>The product; its <see cref="InstrumentSpec.Symbol"/> is the Coinbase product id and its grid checks price and size.</summary>
    public required InstrumentSpec Instrument { get; init; }

    /// <summary>Buy or sell.</summary>
    public required Side Side { get; init; }

    /// <summary>Limit (default) or market; a market order is immediate-or-cancel.</summary>
    public OrderType Type { get; init; } = OrderType.Limit;

    /// <summary>The limit price: positive, a multiple of the tick size, at most the instrument's maximum. Ignored for a market order.</summary>
    public decimal Price { get; init; }

    /// <summary>The size: a multiple of the lot size between the instrument's minimum and maximum.</summary>
    public required decimal Size { get; init; }

    /// <summary>GTC (default), IOC or FOK.</summary>
    public TimeInForce TimeInForce { get; init; } = TimeInForce.GoodTillCancel;

    /// <summary>Maker only: the venue rejects the order instead of letting it take. Only for a GTC limit order.</summary>
    public bool PostOnly { get; init; }

    /// <summary>Our id of the order (<c>client_oid</c>): a UUID, or null for none. See <see cref="CoinbaseClientOids"/>.</summary>
    public string? ClientOid { get; init; }
}
