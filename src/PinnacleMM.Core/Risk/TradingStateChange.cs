namespace PinnacleMM.Core.Risk;

/// <summary>One change of <see cref="PreTradeRisk.State"/>, as the checker recorded it when it happened (see <see cref="PreTradeRisk.CopyStateChanges"/>).</summary>
/// <param name="Sequence">Which change this is: 1 for the first since the checker was created, counting every change.</param>
/// <param name="Previous">The state before the change.</param>
/// <param name="State">The state after it.</param>
/// <param name="Reason">Why: <see cref="PreTradeRisk.StateReason"/> right after the change (empty when back to <see cref="TradingState.Active"/>).</param>
public readonly record struct TradingStateChange(long Sequence, TradingState Previous, TradingState State, string Reason);
