using System.Globalization;
using System.Text;
using PinnacleMM.Exchange.Execution;

namespace PinnacleMM.Exchange.Engine;

/// <summary>
/// How the engine's stop ended (<see cref="EngineStatus.Stop"/>): above all, which of our orders the venue had not
/// confirmed closed by then. Those may still rest, and trade, at the venue.
/// </summary>
/// <remarks>
/// A stop cancels every open order and waits up to <see cref="TradingEngineOptions.StopTimeout"/> for the answers.
/// When a cancel is lost (no answer), refused by the venue, or not sent at all (order entry down, rate limited), the
/// stop still ends at the timeout. The orders it could not close are listed here and named in a warning
/// (<see cref="EngineResilienceStatus.Warnings"/>). The final snapshot keeps them as they were, open or pending cancel,
/// not cancelled. The next start on the same data asks the venue about them
/// (<see cref="EngineRecoveryReport.StopCancelsResent"/>): orders the venue no longer has are closed (their fills come
/// from the venue's fill history where it keeps one), and a cancel is sent again for each order it still has.
/// </remarks>
public sealed record EngineStopReport
{
    /// <summary>
    /// Our orders still open when the stop ended, ordered by client order id, each as the engine last knew it: pending
    /// cancel when its cancel was not answered; open, partially filled or pending new when the venue refused the last
    /// cancel or none could be sent. Empty when the stop closed every order.
    /// </summary>
    public IReadOnlyList<TrackedOrder> OrdersLeftOpen { get; init; } = [];

    /// <summary>Whether <see cref="TradingEngineOptions.StopTimeout"/> ended the stop with <see cref="OrdersLeftOpen"/> not empty (false when every order closed in time).</summary>
    public bool TimedOut { get; init; }

    /// <summary>How many of <see cref="OrdersLeftOpen"/> were waiting for the answer to a cancel (<see cref="OrderState.PendingCancel"/>).</summary>
    public int PendingCancelCount => OrdersLeftOpen.Count(o => o.State == OrderState.PendingCancel);

    /// <summary>Whether the stop closed every order: as far as the engine knows, none of ours is left at the venue.</summary>
    public bool IsClean => OrdersLeftOpen.Count == 0;

    /// <summary>One line: "every order closed", or how many orders were left open, and which ones.</summary>
    public override string ToString()
    {
        if (IsClean)
        {
            return "every order closed";
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{OrdersLeftOpen.Count} orders left open ({PendingCancelCount} pending cancel)");
        text.Append(TimedOut ? " at the stop timeout: " : ": ");
        for (var i = 0; i < OrdersLeftOpen.Count; i++)
        {
            var order = OrdersLeftOpen[i];
            text.Append(i == 0 ? string.Empty : ", ")
                .Append(CultureInfo.InvariantCulture, $"#{order.ClientOrderId.Value} {order.Side} {order.LeavesQuantity.Lots} lots at {order.Price.Ticks} ticks ({order.State})");
        }

        return text.ToString();
    }
}
