using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Tests.Portfolio;

/// <summary>
/// An independent, list-based model of a position: every fill is kept; FIFO realized P&amp;L walks a list of
/// open lots, average cost keeps an average price in decimal, and the cash-flow value is recomputed from
/// the whole list. All in quote currency.
/// </summary>
internal sealed class PositionModel(decimal tick, decimal lot)
{
    private readonly List<(Side Side, long Price, long Lots, decimal Fee)> _fills = [];
    private readonly List<(long Price, long Lots)> _open = []; // signed lots

    public long Position { get; private set; }

    public decimal RealizedFifo { get; private set; }

    public decimal RealizedAverage { get; private set; }

    public decimal AveragePrice { get; private set; } // quote currency

    public decimal Fees { get; private set; }

    public void Fill(Side side, long price, long lots, decimal fee)
    {
        _fills.Add((side, price, lots, fee));
        Fees += fee;
        var signed = side == Side.Buy ? lots : -lots;
        var px = price * tick;

        // Average cost.
        if (Position == 0 || Math.Sign(Position) == Math.Sign(signed))
        {
            var newQty = Position + signed;
            AveragePrice = ((AveragePrice * Math.Abs(Position)) + (px * Math.Abs(signed))) / Math.Abs(newQty);
            Position = newQty;
        }
        else
        {
            var closing = Math.Min(Math.Abs(signed), Math.Abs(Position));
            RealizedAverage += closing * lot * (px - AveragePrice) * Math.Sign(Position);
            var rest = Math.Abs(signed) - closing;
            Position += signed;
            if (Position == 0)
            {
                AveragePrice = 0;
            }
            else if (rest > 0)
            {
                AveragePrice = px;
            }
        }

        // FIFO.
        var remaining = signed;
        while (remaining != 0 && _open.Count > 0 && Math.Sign(_open[0].Lots) != Math.Sign(remaining))
        {
            var (p, l) = _open[0];
            var take = Math.Min(Math.Abs(l), Math.Abs(remaining));
            RealizedFifo += take * lot * (px - (p * tick)) * Math.Sign(l);
            var left = Math.Abs(l) - take;
            remaining += take * Math.Sign(l);
            if (left == 0)
            {
                _open.RemoveAt(0);
            }
            else
            {
                _open[0] = (p, left * Math.Sign(l));
            }
        }

        if (remaining != 0)
        {
            _open.Add((price, remaining));
        }
    }

    /// <summary>What the fills are worth marked to <paramref name="mark"/>: cash paid and received, plus the position at the mark, minus fees.</summary>
    public decimal CashFlowValue(long mark)
    {
        decimal cash = 0;
        long position = 0;
        foreach (var (side, price, lots, _) in _fills)
        {
            var signed = side == Side.Buy ? lots : -lots;
            cash -= signed * lot * price * tick;
            position += signed;
        }

        return cash + (position * lot * mark * tick) - Fees;
    }
}
