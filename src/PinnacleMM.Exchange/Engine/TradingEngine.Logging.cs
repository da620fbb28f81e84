using Microsoft.Extensions.Logging;
using PinnacleMM.Core.Risk;
using PinnacleMM.Exchange.Diagnostics;

namespace PinnacleMM.Exchange.Engine;

/// <summary>
/// The engine's log messages that need more than one call (<see cref="ExchangeLog"/> holds them all): the start's
/// summary, and trading state changes, noticed when the status is published (every timer tick, at start and at stop),
/// never on the path from a market event to an order.
/// </summary>
public sealed partial class TradingEngine
{
    private TradingState _loggedTradingState = TradingState.Active;

    private void LogStarted(EngineRecoveryReport report, StartPicture picture) => ExchangeLog.EngineStarted(
        _logger,
        _strategy.Instrument.Symbol,
        _orderEntry.Venue,
        _options.Threading,
        picture.Position,
        picture.RealizedPnl,
        picture.FillCount,
        picture.OpenOrders,
        picture.State == TradingState.Active ? "Active" : $"{picture.State} ({picture.StateReason})",
        report.RecoveredOpenOrders.Count,
        report.ActivitiesReplayed,
        report.StrategyStateRestored ? "from snapshot" : "fresh",
        report.Venue?.ToString() ?? "not reconciled",
        report.StopCancelsResent.Count);

    /// <summary>What the engine starts trading from, read on the strategy thread once the venue's fills are applied.</summary>
    private readonly record struct StartPicture(decimal Position, decimal RealizedPnl, long FillCount, int OpenOrders, TradingState State, string StateReason);

    /// <summary>On the strategy thread: logs a change of the risk's trading state since the last one logged.</summary>
    private void LogTradingStateChange()
    {
        var state = _strategy.State;
        if (state == _loggedTradingState)
        {
            return;
        }

        var previous = _loggedTradingState;
        _loggedTradingState = state;
        ExchangeLog.TradingStateChanged(
            _logger,
            state == TradingState.Active ? LogLevel.Information : LogLevel.Warning,
            _strategy.Instrument.Symbol,
            previous,
            state,
            state == TradingState.Active ? "quoting both sides again" : _strategy.Risk.StateReason);
    }
}
