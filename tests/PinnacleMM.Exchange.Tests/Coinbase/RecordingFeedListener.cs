using System.Text;
using PinnacleMM.Exchange.Coinbase.MarketData;

namespace PinnacleMM.Exchange.Tests.Coinbase;

/// <summary>Keeps every event it receives (user orders as strings, since their spans die with the call).</summary>
internal sealed class RecordingFeedListener : ICoinbaseFeedListener
{
    public List<CoinbaseTicker> Tickers { get; } = [];

    public List<CoinbaseTrade> Trades { get; } = [];

    public List<CoinbaseHeartbeat> Heartbeats { get; } = [];

    public List<string> Orders { get; } = [];

    public void OnTicker(in CoinbaseTicker ticker) => Tickers.Add(ticker);

    public void OnTrade(in CoinbaseTrade trade) => Trades.Add(trade);

    public void OnHeartbeat(in CoinbaseHeartbeat heartbeat) => Heartbeats.Add(heartbeat);

    public void OnUserOrder(in CoinbaseUserOrder order) => Orders.Add(
        $"{order.ProductIndex} {Encoding.UTF8.GetString(order.OrderId)} {Encoding.UTF8.GetString(order.ClientOrderId)} {Encoding.UTF8.GetString(order.Status)} {order.Side} {order.CumulativeQuantity.Lots} {order.LeavesQuantity.Lots} {order.AveragePrice}");
}
