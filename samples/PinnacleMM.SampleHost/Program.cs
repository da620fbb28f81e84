using System.Diagnostics;
using System.Globalization;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.SampleHost;
using PinnacleMM.SampleHost.Credentials;

// `credentials add|list|remove|change-password` and `audit verify <dir>`: see Credentials/CredentialsCommands.cs.
if (CredentialsCommands.Handles(args))
{
    return CredentialsCommands.Run(args);
}

// Feeds a generated order flow through the PinnacleMM order book and prints what happened.
// Usage: dotnet run --project samples/PinnacleMM.SampleHost [-- --orders N] [--seed S]
var orders = 50_000;
var seed = 7;
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--orders" && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n > 0)
    {
        orders = n;
    }
    else if (args[i] == "--seed" && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var s))
    {
        seed = s;
    }
}

var instrument = new InstrumentSpec("BTC-USD", tickSize: 0.01m, lotSize: 0.0001m, minQuantity: 0.001m, maxQuantity: 100m);
var tape = new TradeTape(instrument, tradesToPrint: 8);
var book = new OrderBook(instrument) { Listener = tape };
var market = new SyntheticMarket(instrument, startPrice: 65_000.00m, seed);

Console.WriteLine($"PinnacleMM order book sample: {orders:N0} generated orders on {instrument}, seed {seed}");
Console.WriteLine();

// Prices and sizes enter at the edge as decimals and are rejected, not rounded, when off the grid.
if (!instrument.TryGetPrice(65_000.005m, out _, out var priceError))
{
    Console.WriteLine($"Input check: {priceError}");
}

if (!instrument.TryGetQuantity(0.0005m, out _, out var quantityError))
{
    Console.WriteLine($"Input check: {quantityError}");
}

Console.WriteLine();
Console.WriteLine("First trades:");

var rejections = new Dictionary<OrderBookResultCode, int>();
var stopwatch = Stopwatch.StartNew();
var reportEvery = Math.Max(1, orders / 4);
for (var i = 1; i <= orders; i++)
{
    var result = market.Step(book);
    if (!result.IsAccepted)
    {
        rejections[result.Code] = rejections.GetValueOrDefault(result.Code) + 1;
    }

    if (i % reportEvery == 0)
    {
        stopwatch.Stop();
        Console.WriteLine();
        PrintBook(book, instrument, $"after {i:N0} orders (fair value {market.FairValue.ToString("F2", CultureInfo.InvariantCulture)})");
        stopwatch.Start();
    }
}

stopwatch.Stop();

Console.WriteLine();
Console.WriteLine("Summary");
Console.WriteLine($"  trades:            {tape.Trades:N0}, volume {instrument.Format(new Quantity(tape.VolumeLots))} BTC, VWAP {tape.Vwap.ToString("F2", CultureInfo.InvariantCulture)}");
Console.WriteLine($"  cancelled:         {instrument.Format(new Quantity(tape.CancelledLots))} BTC ({tape.SelfTradePreventions:N0} by self-trade prevention)");
Console.WriteLine($"  resting now:       {book.OrderCount:N0} orders on {book.BidLevelCount} bid and {book.AskLevelCount} ask levels");
foreach (var (code, count) in rejections.OrderByDescending(r => r.Value))
{
    Console.WriteLine($"  rejected {count,7:N0}:  {code} ({code.Describe()})");
}

var impact = book.EstimateMarketImpact(Side.Buy, instrument.GetQuantity(1m));
Console.WriteLine($"  buying 1 BTC now:  fills {instrument.Format(impact.Filled)} at average {instrument.TicksToDecimal(impact.AveragePriceTicks).ToString("F2", CultureInfo.InvariantCulture)} over {impact.LevelsConsumed} levels (worst {instrument.Format(impact.WorstPrice)})");
Console.WriteLine($"  book state hash:   {book.ComputeStateHash():X16} (same seed, same hash)");
Console.WriteLine($"  throughput:        {orders / stopwatch.Elapsed.TotalSeconds:N0} orders/s including the flow generator");
return 0;

static void PrintBook(OrderBook book, InstrumentSpec instrument, string title)
{
    Console.WriteLine($"Book {title}:");
    if (book.TryGetBestBid(out var bid, out var bidSize) && book.TryGetBestAsk(out var ask, out var askSize) && book.TryGetSpread(out var spread) && book.TryGetMidTicks(out var mid))
    {
        Console.WriteLine($"  best bid {instrument.Format(bidSize)} @ {instrument.Format(bid)} | best ask {instrument.Format(askSize)} @ {instrument.Format(ask)} | spread {spread} ticks | mid {instrument.TicksToDecimal(mid).ToString("F3", CultureInfo.InvariantCulture)} | imbalance(5) {book.GetImbalance(5):+0.00;-0.00}");
    }

    Span<DepthLevel> bids = stackalloc DepthLevel[5];
    Span<DepthLevel> asks = stackalloc DepthLevel[5];
    var bidCount = book.GetDepth(Side.Buy, bids);
    var askCount = book.GetDepth(Side.Sell, asks);
    Console.WriteLine($"  {"bid orders",10} {"bid size",10} {"bid",10} | {"ask",-10} {"ask size",-10} {"ask orders",-10}");
    for (var i = 0; i < Math.Max(bidCount, askCount); i++)
    {
        var left = i < bidCount ? $"{bids[i].OrderCount,10} {instrument.Format(bids[i].Quantity),10} {instrument.Format(bids[i].Price),10}" : new string(' ', 32);
        var right = i < askCount ? $"{instrument.Format(asks[i].Price),-10} {instrument.Format(asks[i].Quantity),-10} {asks[i].OrderCount,-10}" : string.Empty;
        Console.WriteLine($"  {left} | {right}");
    }
}
