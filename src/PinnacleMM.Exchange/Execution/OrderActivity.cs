using PinnacleMM.Core.Risk;
using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Execution;

/// <summary>
/// One thing the <see cref="OrderManager"/> did or learned about our orders: a command sent or refused, an
/// execution event applied, an order closed locally. A struct without references, so that it goes to the
/// journal and the audit log through a ring without allocation. Replaying the activities of a run into an
/// <see cref="OrderTracker"/> (<see cref="ApplyTo"/>) rebuilds its orders and position exactly.
/// </summary>
public readonly record struct OrderActivity
{
    /// <summary>What is recorded.</summary>
    public OrderActivityKind Kind { get; init; }

    /// <summary>When, on the engine's monotonic clock.</summary>
    public long TimestampNanoseconds { get; init; }

    /// <summary><see cref="OrderActivityKind.CommandSent"/>, <see cref="OrderActivityKind.CommandRefused"/>: the command.</summary>
    public OrderCommand Command { get; init; }

    /// <summary><see cref="OrderActivityKind.CommandSent"/>, <see cref="OrderActivityKind.CommandRefused"/>: whether the command is a manual order's (<see cref="OrderManager.PlaceOrder"/>).</summary>
    public bool Manual { get; init; }

    /// <summary><see cref="OrderActivityKind.CommandRefused"/>: why.</summary>
    public OrderRefusalReason Refusal { get; init; }

    /// <summary><see cref="OrderActivityKind.CommandRefused"/> by risk: the risk check that failed.</summary>
    public RiskRejectReason RiskReason { get; init; }

    /// <summary><see cref="OrderActivityKind.ExecutionReceived"/>: the event.</summary>
    public ExecutionEvent Execution { get; init; }

    /// <summary><see cref="OrderActivityKind.ExecutionReceived"/>: what the tracker did with it.</summary>
    public ExecutionOutcome Outcome { get; init; }

    /// <summary><see cref="OrderActivityKind.ClosedLocally"/>: the order.</summary>
    public ClientOrderId ClientOrderId { get; init; }

    /// <summary><see cref="OrderActivityKind.ClosedLocally"/>: the state it was closed in.</summary>
    public OrderState ClosedAs { get; init; }

    /// <summary><see cref="OrderActivityKind.VenueReconciled"/>: what the reconciliation did.</summary>
    public ReconciliationCounts Reconciliation { get; init; }

    /// <summary>The order the activity is about (the command's, the event's, or the closed one).</summary>
    public ClientOrderId OrderId => Kind switch
    {
        OrderActivityKind.CommandSent or OrderActivityKind.CommandRefused => Command.ClientOrderId,
        OrderActivityKind.ExecutionReceived => Execution.ClientOrderId,
        _ => ClientOrderId,
    };

    /// <summary>
    /// Applies the activity to <paramref name="tracker"/> exactly as the order manager did when it happened:
    /// sent commands register, execution events are applied (at the activity's time, as the order manager applied
    /// them: a refused cancel is timed from it), local closes close. Refusals and reconciliation
    /// summaries change nothing.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="tracker"/> is null.</exception>
    public void ApplyTo(OrderTracker tracker)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        switch (Kind)
        {
            case OrderActivityKind.CommandSent:
                var command = Command;
                switch (command.Kind)
                {
                    case OrderCommandKind.Place:
                        tracker.OnPlaceSent(command, TimestampNanoseconds, Manual);
                        break;
                    case OrderCommandKind.Cancel:
                        tracker.OnCancelSent(command.ClientOrderId, TimestampNanoseconds);
                        break;
                    case OrderCommandKind.Amend:
                        tracker.OnAmendSent(command, TimestampNanoseconds);
                        break;
                }

                break;
            case OrderActivityKind.ExecutionReceived:
                tracker.Apply(Execution, TimestampNanoseconds);
                break;
            case OrderActivityKind.ClosedLocally:
                tracker.CloseLocally(ClientOrderId, ClosedAs);
                break;
        }
    }

    /// <summary>A sent command.</summary>
    public static OrderActivity Sent(in OrderCommand command, long timestampNanoseconds, bool manual = false) =>
        new() { Kind = OrderActivityKind.CommandSent, Command = command, TimestampNanoseconds = timestampNanoseconds, Manual = manual };

    /// <summary>A refused command.</summary>
    public static OrderActivity Refused(in OrderCommand command, OrderRefusalReason refusal, RiskRejectReason riskReason, long timestampNanoseconds, bool manual = false) =>
        new() { Kind = OrderActivityKind.CommandRefused, Command = command, Refusal = refusal, RiskReason = riskReason, TimestampNanoseconds = timestampNanoseconds, Manual = manual };

    /// <summary>A received execution event and its outcome.</summary>
    public static OrderActivity Received(in ExecutionEvent executionEvent, ExecutionOutcome outcome, long timestampNanoseconds) =>
        new() { Kind = OrderActivityKind.ExecutionReceived, Execution = executionEvent, Outcome = outcome, TimestampNanoseconds = timestampNanoseconds };

    /// <summary>A reconciliation with the venue's orders and fills, summed up.</summary>
    public static OrderActivity Reconciled(in ReconciliationCounts counts, long timestampNanoseconds) =>
        new() { Kind = OrderActivityKind.VenueReconciled, Reconciliation = counts, TimestampNanoseconds = timestampNanoseconds };

    /// <summary>An order closed locally.</summary>
    public static OrderActivity Closed(ClientOrderId clientOrderId, OrderState closedAs, long timestampNanoseconds) =>
        new() { Kind = OrderActivityKind.ClosedLocally, ClientOrderId = clientOrderId, ClosedAs = closedAs, TimestampNanoseconds = timestampNanoseconds };
}
