using Microsoft.Extensions.Logging;
using PinnacleMM.Core.Risk;
using PinnacleMM.Exchange.Diagnostics;

namespace PinnacleMM.Exchange.Engine;

/// <summary>
/// The engine's log messages that need more than one call (<see cref="ExchangeLog"/> holds them all): the start's
/// summary, and trading state changes. The risk records each change of its trading state when it happens
/// (<see cref="PreTradeRisk.CopyStateChanges"/>, nothing while the state stays as it is); they are logged and counted
/// where the status is published (every timer tick, at start and at stop), never on the path from a market event to
/// an order, so a halt and a resume between two publications are two records, in order.
/// </summary>
public sealed partial class TradingEngine
{
    private readonly TradingStateChange[] _stateChanges = new TradingStateChange[PreTradeRisk.StateChangeHistory];
    private readonly long[] _stateChangesCounted = new long[3];

    /// <summary>The number (<see cref="TradingStateChange.Sequence"/>) of the last change of the trading state logged, or skipped at start.</summary>
    private long _stateChangesLogged;

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

    /// <summary>
    /// At start, before the strategy stage runs: the changes of the trading state so far (a state restored from the
    /// snapshot, or set before the start) are the state the engine starts from, reported in the start record, not changes.
    /// </summary>
    private void SkipTradingStateChangesSoFar()
    {
        var risk = _strategy.Risk;
        _stateChangesLogged = risk.StateChangeCount;
        for (var state = 0; state < _stateChangesCounted.Length; state++)
        {
            _stateChangesCounted[state] = risk.StateChangesInto((TradingState)state);
        }
    }

    /// <summary>
    /// On the strategy thread, where the status is published: logs every change of the risk's trading state since the last
    /// one logged, oldest first, and counts each (<c>pinnaclemm.engine.trading_state_changes</c>). Changes beyond the risk's
    /// history (<see cref="PreTradeRisk.StateChangeHistory"/> between two publications) are counted and summed up in one record.
    /// </summary>
    private void LogTradingStateChanges()
    {
        var risk = _strategy.Risk;
        if (risk.StateChangeCount == _stateChangesLogged)
        {
            return;
        }

        var changes = _stateChanges.AsSpan(0, risk.CopyStateChanges(_stateChangesLogged, _stateChanges));
        if (changes.IsEmpty)
        {
            return;
        }

        var symbol = _strategy.Instrument.Symbol;
        var missed = changes[0].Sequence - _stateChangesLogged - 1;
        if (missed > 0)
        {
            ExchangeLog.TradingStateChangesNotLogged(_logger, symbol, missed, PreTradeRisk.StateChangeHistory);

            // The risk counts every change into each state: what it counted beyond the ones logged below were missed.
            for (var state = 0; state < _stateChangesCounted.Length; state++)
            {
                var kept = 0;
                foreach (var change in changes)
                {
                    kept += (int)change.State == state ? 1 : 0;
                }

                var gone = risk.StateChangesInto((TradingState)state) - _stateChangesCounted[state] - kept;
                if (gone > 0)
                {
                    Metrics.RecordTradingStateChanges((TradingState)state, gone);
                    _stateChangesCounted[state] += gone;
                }
            }
        }

        foreach (var change in changes)
        {
            ExchangeLog.TradingStateChanged(
                _logger,
                change.State == TradingState.Active ? LogLevel.Information : LogLevel.Warning,
                symbol,
                change.Previous,
                change.State,
                change.State == TradingState.Active ? "quoting both sides again" : change.Reason);
            Metrics.RecordTradingStateChanges(change.State, 1);
            _stateChangesCounted[(int)change.State]++;
        }

        _stateChangesLogged = changes[^1].Sequence;
    }
}
