using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Strategies;

/// <summary>One action from <see cref="QuoteReconciler.Reconcile"/>.</summary>
/// <param name="Kind">Place, cancel or amend.</param>
/// <param name="OrderId">The live order to cancel or amend; 0 for a place (the engine assigns the id).</param>
/// <param name="Side">The side.</param>
/// <param name="Price">The new price (place, amend) or the live order's price (cancel).</param>
/// <param name="Quantity">The new size (place, amend) or the live order's remaining size (cancel).</param>
public readonly record struct QuoteAction(QuoteActionKind Kind, long OrderId, Side Side, Price Price, Quantity Quantity);
