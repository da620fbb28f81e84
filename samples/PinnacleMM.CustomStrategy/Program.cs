using System.Globalization;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Time;
using PinnacleMM.CustomStrategy;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Simulator;

// Runs MicropriceMarketMaker against the exchange simulator through the trading engine, in virtual time (a few
// simulated seconds take milliseconds, and the same seed gives the same fills), printing every fill and the P&L.
// Usage: dotnet run --project samples/PinnacleMM.CustomStrategy [-- --seconds 10] [--seed 7]
var seconds = 10;
var seed = 7L;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    var ok = args[i] switch
    {
        "--seconds" => int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out seconds) && seconds is > 0 and <= 86_400,
        "--seed" => long.TryParse(args[i + 1], CultureInfo.InvariantCulture, out seed),
        _ => false,
    };
    if (!ok)
    {
        Console.Error.WriteLine($"error: {args[i]} '{args[i + 1]}': expected --seconds <1..86400> or --seed <whole number>");
        return 64;
    }
}

var instrument = new InstrumentSpec("SIM-USD", tickSize: 0.01m, lotSize: 0.001m, maxPrice: 1_000_000m);
await using var simulator = new ExchangeSimulator(new ExchangeSimulatorOptions
{
    Instrument = instrument,
    Seed = seed,
    InitialPrice = 100m,
    TakerFeeRate = 0.0005m,
    Takers = { RatePerSecond = 10, Size = new SizeDistribution { Kind = SizeDistributionKind.Uniform, MinLots = 10, MaxLots = 60 } },
    Makers = { Size = new SizeDistribution { Kind = SizeDistributionKind.Uniform, MinLots = 20, MaxLots = 200 } },
});

// Virtual time: the engine runs inline on the simulator's thread and its clock follows the events.
var clock = new ManualMonotonicClock();
var strategy = new MicropriceMarketMaker(instrument, halfSpreadTicks: 1, instrument.GetQuantity(0.05m), maxPositionLots: 500, clock,
    new PositionTracker(instrument, makerFeeRate: 0m, takerFeeRate: 0.0005m));
strategy.Filled = fill => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"  fill  {(fill.Side == Side.Buy ? "buy " : "sell")} {instrument.Format(fill.Quantity)} @ {instrument.Format(fill.Price)} ({fill.Liquidity})  position {strategy.Position.Position}"));

await using var engine = new TradingEngine(
    new TradingEngineOptions { Threading = EngineThreading.Inline, ClockFollowsEvents = true },
    strategy, simulator.InstrumentId, simulator, simulator, clock: clock);
await engine.StartAsync();

Console.WriteLine($"MicropriceMarketMaker on {instrument.Symbol}: {seconds} simulated seconds, seed {seed}");
for (var second = 1; second <= seconds; second++)
{
    simulator.RunFor(TimeSpan.FromSeconds(1));
    var status = engine.Status;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"t {second,3} s  bid {status.BestBid} ask {status.BestAsk}  fills {status.FillCount}  position {status.Position}  realized {status.RealizedPnl:0.000000}  unrealized {status.UnrealizedPnl:0.000000}  net {status.NetPnl:0.000000}"));
}

// Stop cancels every quote; in virtual time the venue must keep running to answer the cancels.
var stop = engine.StopAsync();
while (!stop.IsCompleted && engine.Orders.Tracker.OpenCount > 0)
{
    simulator.RunFor(TimeSpan.FromMilliseconds(1));
}

await stop;
var final = engine.Status;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"done: {final.FillCount} fills, volume {final.Volume}, position {final.Position}, realized P&L {final.RealizedPnl:0.000000}, unrealized {final.UnrealizedPnl:0.000000}, fees {final.Fees:0.000000}, net {final.NetPnl:0.000000}, {final.OpenOrders.Count} open orders"));
return 0;
