using System.Globalization;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.SampleHost.Session;

namespace PinnacleMM.SampleHost.Display;

/// <summary>
/// One status line about every second, for logs and pipes (standard output redirected, or <c>--plain</c>): a live
/// dashboard's cursor movements would be noise there. A live feed's state changes (<c>feed:</c> lines) come before
/// the status line of the second they happened in.
/// </summary>
internal sealed class PlainStatusDisplay(TextWriter output, TimeProvider time) : IStatusDisplay
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public async Task ShowAsync(SessionContext session, Task running)
    {
        while (!running.IsCompleted)
        {
            await Task.WhenAny(running, Task.Delay(Interval, time)).ConfigureAwait(false);
            // The feed's state changes since the last line (a drop, a reconnect, a resync), then the status.
            session.Feed?.Drain(output.WriteLine);
            if (!running.IsCompleted)
            {
                output.WriteLine(Line(session, session.Engine.Status));
                await output.FlushAsync().ConfigureAwait(false);
            }
        }
    }

    public static string Line(SessionContext session, EngineStatus status)
    {
        var bids = status.OpenOrders.Count(o => o.Side == Core.Primitives.Side.Buy);
        return string.Create(CultureInfo.InvariantCulture,
            $"status: t {SessionContext.Clock(session.MarketTime)} | bid {session.Price(status.BestBid)} ask {session.Price(status.BestAsk)} | quotes {bids} bid {status.OpenOrders.Count - bids} ask | " +
            $"position {session.Quantity(status.Position)} | realized {SessionContext.Money(status.RealizedPnl)} unrealized {SessionContext.Money(status.UnrealizedPnl)} | " +
            $"fills {status.FillCount} | t2q {session.Latency(status, full: false)} | {status.TradingState}");
    }
}
