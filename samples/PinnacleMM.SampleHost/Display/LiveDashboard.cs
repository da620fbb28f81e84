using System.Globalization;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Risk;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.SampleHost.Session;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace PinnacleMM.SampleHost.Display;

/// <summary>
/// The terminal dashboard (Spectre.Console live display), redrawn four times a second from the engine's published
/// <see cref="EngineStatus"/>: top of book, our quotes, position and P&amp;L, fills, tick-to-quote latency and the
/// risk state. It only reads <see cref="TradingEngine.Status"/>, which the strategy thread publishes as an
/// immutable picture, so drawing never touches the engine's threads.
/// </summary>
internal sealed class LiveDashboard(IAnsiConsole console, TimeProvider time) : IStatusDisplay
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private const int QuoteRows = 6;

    public async Task ShowAsync(SessionContext session, Task running)
    {
        await console.Live(Render(session, session.Engine.Status))
            .AutoClear(false)
            .Overflow(VerticalOverflow.Ellipsis)
            .StartAsync(async context =>
            {
                while (!running.IsCompleted)
                {
                    await Task.WhenAny(running, Task.Delay(Interval, time)).ConfigureAwait(false);
                    context.UpdateTarget(Render(session, session.Engine.Status));
                }
            }).ConfigureAwait(false);
    }

    private static IRenderable Render(SessionContext session, EngineStatus status)
    {
        var header = new Markup(string.Create(CultureInfo.InvariantCulture,
            $"[bold]PinnacleMM[/] {Markup.Escape(session.StrategyName)} on [bold]{Markup.Escape(session.Instrument.Symbol)}[/] | {Markup.Escape(session.Venue)}, {Markup.Escape(session.Mode)} | market time [bold]{SessionContext.Clock(session.MarketTime)}[/]{(session.Duration is { } d ? $" of {SessionContext.Clock(d)}" : string.Empty)}"));

        var market = new Grid().AddColumn().AddColumn(new GridColumn().RightAligned());
        market.AddRow("best bid", $"[green]{session.Price(status.BestBid)}[/]");
        market.AddRow("best ask", $"[red]{session.Price(status.BestAsk)}[/]");
        market.AddRow("spread", status.BestBid is { } bid && status.BestAsk is { } ask ? session.Price(ask - bid) : "-");
        market.AddRow("book", status.BookSynced ? "[green]in sync[/]" : "[yellow]out of sync[/]");
        if (session.Feed is { } feed)
        {
            market.AddRow("feed", Markup.Escape(feed.LastLine.Replace("feed: ", string.Empty, StringComparison.Ordinal)));
        }

        market.AddRow("market events", status.MarketEvents.ToString("N0", CultureInfo.InvariantCulture));

        var quotes = new Table().Border(TableBorder.Simple).AddColumn("side").AddColumn(new TableColumn("price").RightAligned())
            .AddColumn(new TableColumn("open").RightAligned()).AddColumn(new TableColumn("filled").RightAligned()).AddColumn("state");
        foreach (var order in status.OpenOrders.OrderByDescending(o => o.Price.Ticks).Take(QuoteRows))
        {
            var color = order.Side == Side.Buy ? "green" : "red";
            quotes.AddRow($"[{color}]{(order.Side == Side.Buy ? "bid" : "ask")}[/]", session.Price(order.Price), session.Size(order.LeavesQuantity), session.Size(order.FilledQuantity), order.State.ToString());
        }

        if (status.OpenOrders.Count == 0)
        {
            quotes.AddRow("-", "-", "-", "-", "no open orders");
        }

        var pnl = new Grid().AddColumn().AddColumn(new GridColumn().RightAligned());
        pnl.AddRow("position", $"[bold]{session.Quantity(status.Position)}[/] {Markup.Escape(session.BaseCurrency)}");
        pnl.AddRow("realized P&L", Signed(status.RealizedPnl));
        pnl.AddRow("unrealized P&L", Signed(status.UnrealizedPnl));
        pnl.AddRow("fees", SessionContext.Money(status.Fees));
        pnl.AddRow("net P&L", $"[bold]{Signed(status.NetPnl)}[/]");
        pnl.AddRow("fills", status.FillCount.ToString(CultureInfo.InvariantCulture));
        pnl.AddRow("volume", $"{session.Quantity(status.Volume)} {Markup.Escape(session.BaseCurrency)}");

        var latency = new Grid().AddColumn().AddColumn(new GridColumn().RightAligned());
        if (session.VirtualTime)
        {
            latency.AddRow("tick-to-quote", "n/a in virtual time");
        }
        else
        {
            var t = status.TickToQuote;
            latency.AddRow("p50", SessionContext.Microseconds(t.P50));
            latency.AddRow("p90", SessionContext.Microseconds(t.P90));
            latency.AddRow("p99", SessionContext.Microseconds(t.P99));
            latency.AddRow("p99.9", SessionContext.Microseconds(t.P999));
            latency.AddRow("max", SessionContext.Microseconds(t.Max));
            latency.AddRow("samples", t.Count.ToString("N0", CultureInfo.InvariantCulture));
            latency.AddRow("after a slow turn", status.CommandsAfterSlowCycle.ToString("N0", CultureInfo.InvariantCulture));
        }

        var stateColor = status.TradingState switch
        {
            TradingState.Active => "green",
            TradingState.Reducing => "yellow",
            _ => "red",
        };
        var risk = new Grid().AddColumn().AddColumn();
        risk.AddRow("trading state", $"[{stateColor}]{status.TradingState}[/]");
        risk.AddRow("reason", status.TradingStateReason.Length == 0 ? "-" : Markup.Escape(status.TradingStateReason));
        risk.AddRow("orders sent", status.OrdersSent.ToString("N0", CultureInfo.InvariantCulture));
        risk.AddRow("refused locally", status.Refusals.ToString("N0", CultureInfo.InvariantCulture));

        var top = new Columns(
            new Panel(market).Header("market").Expand(),
            new Panel(quotes).Header("our quotes").Expand(),
            new Panel(pnl).Header("position and P&L").Expand());
        var bottom = new Columns(
            new Panel(latency).Header("tick-to-quote latency").Expand(),
            new Panel(risk).Header("risk").Expand());
        return new Rows(
            header,
            top,
            bottom,
            new Markup($"[grey]data: {Markup.Escape(session.DataDirectory)} | Ctrl-C stops cleanly: cancels every order, takes the final snapshot, flushes the journal[/]"));
    }

    private static string Signed(decimal value) => value < 0
        ? $"[red]{SessionContext.Money(value)}[/]"
        : value > 0 ? $"[green]{SessionContext.Money(value)}[/]" : SessionContext.Money(value);
}
