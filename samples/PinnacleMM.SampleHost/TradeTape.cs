using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.SampleHost;

/// <summary>
/// Listens to an <see cref="OrderBook"/>: counts trades, volume and cancellations, keeps the volume
/// weighted average price, and prints the first trades as they happen.
/// </summary>
internal sealed class TradeTape(InstrumentSpec instrument, int tradesToPrint) : IOrderBookListener
{
    private decimal _notional;

    public long Trades { get; private set; }

    public long VolumeLots { get; private set; }

    public long SelfTradePreventions { get; private set; }

    public long CancelledLots { get; private set; }

    public decimal Vwap => VolumeLots == 0 ? 0 : _notional / instrument.ToDecimal(new Quantity(VolumeLots));

    public void OnTrade(in Trade trade)
    {
        Trades++;
        VolumeLots += trade.Quantity.Lots;
        _notional += instrument.ToDecimal(trade.Price) * instrument.ToDecimal(trade.Quantity);
        if (Trades <= tradesToPrint)
        {
            Console.WriteLine(
                $"  trade #{trade.TradeId,-4} {(trade.TakerSide == Side.Buy ? "BUY " : "SELL")} {instrument.Format(trade.Quantity),10} @ {instrument.Format(trade.Price),10}" +
                $"  taker order {trade.TakerOrderId} (owner {trade.TakerOwnerId}) hit maker order {trade.MakerOrderId} (owner {trade.MakerOwnerId}){(trade.MakerFilled ? ", maker filled" : string.Empty)}");
        }
    }

    public void OnOrderUpdate(in OrderUpdate update)
    {
        if (update.Kind == OrderUpdateKind.Cancelled)
        {
            CancelledLots += update.Quantity.Lots;
            if (update.Reason == CancelReason.SelfTradePrevention)
            {
                SelfTradePreventions++;
            }
        }
    }

    public void OnDepthChanged(Side side, Price price, Quantity totalQuantity, int orderCount)
    {
    }
}
