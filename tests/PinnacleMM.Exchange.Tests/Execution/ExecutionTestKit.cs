using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Risk;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Execution;
using PinnacleMM.Security.RateLimiting;

namespace PinnacleMM.Exchange.Tests.Execution;

/// <summary>A strategy that quotes exactly what the test scripts.</summary>
internal sealed class ScriptedStrategy(InstrumentSpec instrument, MonotonicClock clock) : MarketMakerStrategy(instrument, 8, clock)
{
    private readonly List<(Side Side, long Price, long Lots)> _script = [];

    public List<OrderEvent> Events { get; } = [];

    public void Script(params (Side Side, long Price, long Lots)[] levels)
    {
        _script.Clear();
        _script.AddRange(levels);
        Requote();
    }

    protected override void ComputeQuotes(DesiredQuotes quotes)
    {
        foreach (var (side, price, lots) in _script)
        {
            quotes.TryAdd(side, new Price(price), new Quantity(lots));
        }
    }

    protected override void OnOrderEventCore(in OrderEvent orderEvent) => Events.Add(orderEvent);

    // Only order events requote (like BasicMarketMaker between intervals); the tests call Requote themselves.
    protected override bool ShouldRequote(QuoteTrigger trigger, long nowNanoseconds) => false;
}

internal sealed class RecordingCommands : IOrderCommandSink
{
    public List<OrderCommand> Sent { get; } = [];

    public void Send(in OrderCommand command, long triggerNanoseconds) => Sent.Add(command);
}

internal sealed class RecordingActivity : IOrderActivitySink
{
    public List<OrderActivity> All { get; } = [];

    public void OnActivity(in OrderActivity activity) => All.Add(activity);
}

/// <summary>An order manager wired to a scripted strategy, a manual clock and recording sinks.</summary>
internal sealed class OmsHarness
{
    public static readonly InstrumentSpec Instrument = new("SIM-USD", 0.01m, 0.001m, maxPrice: 1_000_000m);

    public static readonly InstrumentId Id = new(1);

    public OmsHarness(RiskLimits? limits = null, OrderManagerOptions? options = null, RateLimiterSet? rateLimits = null)
    {
        Strategy = new ScriptedStrategy(Instrument, Clock);
        Risk = new PreTradeRisk(limits ?? new RiskLimits { PriceBandBps = 0 });
        Manager = new OrderManager(Id, Strategy, Risk, Commands, options, Activity, rateLimits, Clock);
    }

    public ManualMonotonicClock Clock { get; } = new(1_000);

    public ScriptedStrategy Strategy { get; }

    public PreTradeRisk Risk { get; }

    public RecordingCommands Commands { get; } = new();

    public RecordingActivity Activity { get; } = new();

    public OrderManager Manager { get; }

    private long _sequence;

    /// <summary>Scripts one bid and reconciles; returns the place command.</summary>
    public OrderCommand PlaceBid(long price = 10_000, long lots = 5)
    {
        var before = Commands.Sent.Count;
        Strategy.Script((Side.Buy, price, lots));
        Manager.Requote();
        return Commands.Sent.Skip(before).Single(c => c.Kind == OrderCommandKind.Place);
    }

    public ExecutionEvent Ack(in OrderCommand place, long venueId = 900) => Next(new ExecutionEvent
    {
        Kind = ExecutionEventKind.Accepted,
        Instrument = Id,
        ClientOrderId = place.ClientOrderId,
        VenueOrderId = VenueOrderId.FromInt64(venueId),
        Side = place.Side,
        Price = place.Price,
        Quantity = place.Quantity,
        LeavesQuantity = place.Quantity,
    });

    public ExecutionEvent Fill(in OrderCommand place, long lots, long filledSoFar, long tradeId, long price = 0, decimal fee = 0.01m) => Next(new ExecutionEvent
    {
        Kind = filledSoFar + lots == place.Quantity.Lots ? ExecutionEventKind.Filled : ExecutionEventKind.PartiallyFilled,
        Instrument = Id,
        ClientOrderId = place.ClientOrderId,
        VenueOrderId = VenueOrderId.FromInt64(900),
        Side = place.Side,
        Price = new Price(price == 0 ? place.Price.Ticks : price),
        Quantity = new Quantity(lots),
        LeavesQuantity = new Quantity(place.Quantity.Lots - filledSoFar - lots),
        FilledQuantity = new Quantity(filledSoFar + lots),
        Liquidity = Liquidity.Maker,
        Fee = fee,
        TradeId = tradeId,
    });

    public ExecutionEvent Cancelled(in OrderCommand place, long leaves, long filled) => Next(new ExecutionEvent
    {
        Kind = ExecutionEventKind.Cancelled,
        Instrument = Id,
        ClientOrderId = place.ClientOrderId,
        VenueOrderId = VenueOrderId.FromInt64(900),
        Side = place.Side,
        Price = place.Price,
        Quantity = new Quantity(leaves),
        FilledQuantity = new Quantity(filled),
    });

    public ExecutionEvent Rejection(ExecutionEventKind kind, ClientOrderId id, RejectReason reason) => Next(new ExecutionEvent
    {
        Kind = kind,
        Instrument = Id,
        ClientOrderId = id,
        RejectReason = reason,
    });

    public OrderState StateOf(in OrderCommand place) =>
        Manager.Tracker.TryGet(place.ClientOrderId, out var order) ? order.State : throw new AssertFailedException($"order {place.ClientOrderId} is not tracked");

    private ExecutionEvent Next(ExecutionEvent e) => e with { Sequence = ++_sequence, ReceivedNanoseconds = Clock.NowNanoseconds };
}
