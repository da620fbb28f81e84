using System.Globalization;

namespace PinnacleMM.Exchange.Abstractions;

/// <summary>
/// The id the client (our order manager) gives an order, unique for the lifetime of an account on a
/// venue (the order manager keeps counting across restarts). A fixed-size 64-bit value, the same id that
/// <c>PinnacleMM.Core.Strategies.LiveOrder.OrderId</c> and <c>OrderEvent.OrderId</c> carry, so that no
/// mapping is needed between the strategy and the connectors. A connector whose venue wants text (e.g. a
/// UUID) derives it from the value deterministically.
/// </summary>
/// <param name="Value">The id: positive for a real order; 0 (<see cref="None"/>) when unknown, e.g. an order placed outside this application.</param>
public readonly record struct ClientOrderId(long Value)
{
    /// <summary>No client order id (0).</summary>
    public static ClientOrderId None => default;

    /// <summary>Whether this is <see cref="None"/>.</summary>
    public bool IsNone => Value == 0;

    /// <summary>Whether the id can name a new order: positive.</summary>
    public bool IsValid => Value > 0;

    /// <summary>Formats the value in invariant culture.</summary>
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}
