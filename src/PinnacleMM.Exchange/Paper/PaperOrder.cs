using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Exchange.Paper;

/// <summary>One of our resting paper orders. Pooled by <see cref="PaperExchange"/>, so that resting an order allocates nothing once warm.</summary>
internal sealed class PaperOrder
{
    public PaperBook Book = null!;

    public long ClientId;

    public long VenueId;

    public Side Side;

    public Price Price;

    public bool PostOnly;

    /// <summary>The order's size: filled + leaves.</summary>
    public long Quantity;

    public long Leaves;

    public long Filled;

    /// <summary>Displayed lots of other participants ahead of this order at its price (the queue model).</summary>
    public long QueueAhead;

    /// <summary>Lots printed as trades at this order's price since the level's last update: they explain the next decrease of the level.</summary>
    public long TradedSinceUpdate;

    /// <summary>Time priority among our own orders: a counter, larger is later.</summary>
    public long Arrival;

    public void Reset()
    {
        Book = null!;
        ClientId = VenueId = Quantity = Leaves = Filled = QueueAhead = TradedSinceUpdate = Arrival = 0;
        Side = default;
        Price = default;
        PostOnly = false;
    }
}
