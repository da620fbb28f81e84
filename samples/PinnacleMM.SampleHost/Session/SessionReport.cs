using System.Globalization;
using PinnacleMM.Exchange.Engine;

namespace PinnacleMM.SampleHost.Session;

/// <summary>
/// The session's plain-text accounts: what was recovered at start and the summary at stop. The lines have fixed
/// labels (<c>position:</c>, <c>fills:</c>, ...) so that scripts and tests can read them.
/// </summary>
internal static class SessionReport
{
    public static void WriteStart(TextWriter output, SessionContext session)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PinnacleMM sample host: {session.StrategyName} on {session.Instrument.Symbol} ({session.Venue}), {session.Mode}"));
        output.WriteLine($"data: {session.DataDirectory}");
        output.WriteLine(session.Duration is { } duration
            ? string.Create(CultureInfo.InvariantCulture, $"running for {duration.TotalSeconds:0.###} s of market time; Ctrl-C stops earlier")
            : "running until Ctrl-C (or SIGTERM)");
    }

    public static void WriteRecovery(TextWriter output, SessionContext session, EngineRecoveryReport report)
    {
        if (!report.RecoveredAnything)
        {
            output.WriteLine("recovered: nothing (a fresh start)");
            return;
        }

        var persistence = report.Persistence;
        var snapshot = persistence?.Snapshot is { } s
            ? string.Create(CultureInfo.InvariantCulture, $"{Path.GetRelativePath(session.DataDirectory, s.Path)} (journal sequence {s.JournalSequence})")
            : "none";
        var venue = report.Venue;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"recovered: position {session.Quantity(report.Position)} {session.BaseCurrency}, realized P&L {SessionContext.Money(report.RealizedPnl)} {session.QuoteCurrency}, fees {SessionContext.Money(report.Fees)} {session.QuoteCurrency}, {report.FillCount} fills"));
        output.WriteLine($"  snapshot:        {snapshot}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  replayed:        {persistence?.RecordsReplayed ?? 0} journal records after it ({report.ActivitiesReplayed} order activities), tail {(persistence?.TruncatedTail is null ? "clean" : "repaired: " + persistence.TruncatedTail)}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  open orders:     {report.RecoveredOpenOrders.Count} recovered; {venue?.ClosedLocally.Count ?? 0} closed (the venue does not have them), {venue?.OrphansCancelled.Count ?? 0} unknown venue orders cancelled"));
        if (report.StopCancelsResent.Count > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  last stop:       {report.StopCancelsResent.Count} orders it left open were still at the venue, cancelled again: {string.Join(", ", report.StopCancelsResent.Select(id => "#" + id.Value.ToString(CultureInfo.InvariantCulture)))}"));
        }
    }

    public static void WriteSummary(TextWriter output, SessionContext session, EngineStatus status, TimeSpan elapsed)
    {
        var q = session.QuoteCurrency;
        output.WriteLine();
        output.WriteLine("summary:");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  market time:     {session.MarketTime.TotalSeconds:0.000} s in {elapsed.TotalSeconds:0.0} s of real time"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  fills:           {status.FillCount}"));
        output.WriteLine($"  volume:          {session.Quantity(status.Volume)} {session.BaseCurrency}");
        output.WriteLine($"  position:        {session.Quantity(status.Position)} {session.BaseCurrency}");
        output.WriteLine($"  realized P&L:    {SessionContext.Money(status.RealizedPnl)} {q}");
        output.WriteLine($"  unrealized P&L:  {SessionContext.Money(status.UnrealizedPnl)} {q} (at the last mid {MidText(session, status)})");
        output.WriteLine($"  fees:            {SessionContext.Money(status.Fees)} {q}");
        output.WriteLine($"  net P&L:         {SessionContext.Money(status.NetPnl)} {q}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  orders:          {status.OrdersSent} sent (places, cancels, amends), {status.Refusals} refused locally, {status.OpenOrders.Count} open at stop"));
        if (status.Stop is { IsClean: false } stop)
        {
            // The venue did not confirm these cancels within the stop timeout: they may still rest, and trade, there.
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  left open:       {stop.OrdersLeftOpen.Count} orders not confirmed closed when the stop ended ({stop.PendingCancelCount} pending cancel), may still rest at the venue: {LeftOpenText(session, stop)}; the next start on this data reconciles them with the venue"));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  market events:   {status.MarketEvents}"));
        output.WriteLine($"  tick-to-quote:   {session.Latency(status, full: true)}");
        if (session.Feed is { } feed)
        {
            output.WriteLine($"  feed:            {feed.Counts}");
        }

        output.WriteLine($"  trading state:   {status.TradingState}{(status.TradingStateReason.Length > 0 ? " (" + status.TradingStateReason + ")" : string.Empty)}");
        output.WriteLine($"  data:            {session.DataDirectory} (journal and snapshots in {session.Instrument.Symbol}/, audit log in audit/)");
    }

    private static string LeftOpenText(SessionContext session, EngineStopReport stop) => string.Join(", ", stop.OrdersLeftOpen.Select(o =>
        string.Create(CultureInfo.InvariantCulture, $"#{o.ClientOrderId.Value} {o.Side} {session.Size(o.LeavesQuantity)} at {session.Price(o.Price)} ({o.State})")));

    private static string MidText(SessionContext session, EngineStatus status) =>
        status.BestBid is { } bid && status.BestAsk is { } ask ? session.Price((bid + ask) / 2) : "-";
}
