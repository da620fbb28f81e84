namespace PinnacleMM.Exchange.Simulator;

/// <summary>What one kind of simulated participant did during a run.</summary>
/// <param name="Arrivals">Poisson arrivals (decisions to act), including those that ended in no order.</param>
/// <param name="OrdersSubmitted">Orders sent to the book, including refused ones.</param>
/// <param name="OrdersRefused">Orders the book refused (e.g. a maker's post-only order that would cross).</param>
/// <param name="Cancels">Cancels of its resting orders (noise cancels and cancels to stay under the resting-order limit).</param>
/// <param name="AggressiveTrades">Trades in which it was the taker.</param>
/// <param name="AggressiveVolumeLots">The volume of those trades, in lots.</param>
public readonly record struct ParticipantStatistics(
    long Arrivals,
    long OrdersSubmitted,
    long OrdersRefused,
    long Cancels,
    long AggressiveTrades,
    long AggressiveVolumeLots);
