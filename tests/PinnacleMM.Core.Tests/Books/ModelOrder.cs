using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Tests.Books;

/// <summary>A resting order of <see cref="ReferenceOrderBook"/>; mutable only in its remaining quantity.</summary>
internal sealed class ModelOrder(long id, long owner, Side side, long price, long remaining, bool postOnly, SelfTradePrevention stp, long timestamp)
{
    public long Id { get; } = id;

    public long Owner { get; } = owner;

    public Side Side { get; } = side;

    public long Price { get; } = price;

    public long Remaining { get; set; } = remaining;

    public bool PostOnly { get; } = postOnly;

    public SelfTradePrevention Stp { get; } = stp;

    public long Timestamp { get; } = timestamp;

    public OrderInfo ToInfo() => new()
    {
        OrderId = Id,
        OwnerId = Owner,
        Side = Side,
        Price = new Price(Price),
        Remaining = new Quantity(Remaining),
        PostOnly = PostOnly,
        SelfTradePrevention = Stp,
        Timestamp = Timestamp,
    };
}
