using System.Globalization;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Security.Audit;

namespace PinnacleMM.Exchange.Execution;

/// <summary>
/// Writes order activities to the Security audit log: every command sent (<c>order.place</c>,
/// <c>order.cancel</c>, <c>order.amend</c>, outcome success), every local refusal (<c>order.refused</c>,
/// denied, with the reason), every venue rejection (<c>order.rejected</c>, failure), every applied fill
/// (<c>order.fill</c>) and every local close (<c>order.closed</c>, info). Duplicate and late events are
/// audited as <c>order.ignored</c> (info) so that the log shows them too.
/// </summary>
/// <remarks>
/// Building an audit event allocates (strings, a dictionary), so the engine calls this on its persistence
/// thread, never on the strategy thread. <see cref="IAuditLog.TryWrite"/> never blocks: a full audit queue
/// drops the event and the audit log records how many were dropped.
/// </remarks>
public sealed class OrderAuditor : IOrderActivitySink
{
    private readonly IAuditLog _audit;
    private readonly InstrumentSpec _instrument;
    private readonly string _actor;
    private readonly string _venue;

    /// <summary>Creates an auditor.</summary>
    /// <param name="audit">The audit log.</param>
    /// <param name="instrument">The instrument (its symbol names the target, its grid formats prices).</param>
    /// <param name="actor">Who acts, e.g. the strategy's name.</param>
    /// <param name="venue">The venue (the source field).</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public OrderAuditor(IAuditLog audit, InstrumentSpec instrument, string actor, string venue)
    {
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(venue);
        _audit = audit;
        _instrument = instrument;
        _actor = actor;
        _venue = venue;
    }

    /// <summary>Audit events written (queued) so far.</summary>
    public long Written { get; private set; }

    /// <inheritdoc />
    public void OnActivity(in OrderActivity activity)
    {
        var auditEvent = ToAuditEvent(activity);
        if (auditEvent is not null && _audit.TryWrite(auditEvent))
        {
            Written++;
        }
    }

    /// <summary>The audit event for <paramref name="activity"/>, or null for one that is not audited (connection changes are the connector's to audit).</summary>
    public AuditEvent? ToAuditEvent(in OrderActivity activity)
    {
        switch (activity.Kind)
        {
            case OrderActivityKind.CommandSent:
                return Event(CommandType(activity.Command.Kind), activity.Command.ClientOrderId, AuditOutcome.Success, CommandDetails(activity.Command));

            case OrderActivityKind.CommandRefused:
                var refused = CommandDetails(activity.Command);
                refused["command"] = activity.Command.Kind.ToString();
                refused["reason"] = activity.Refusal == OrderRefusalReason.Risk ? "risk:" + activity.RiskReason : activity.Refusal.ToString();
                return Event("order.refused", activity.Command.ClientOrderId, AuditOutcome.Denied, refused);

            case OrderActivityKind.ClosedLocally:
                return Event("order.closed", activity.ClientOrderId, AuditOutcome.Info, new Dictionary<string, string>
                {
                    ["state"] = activity.ClosedAs.ToString(),
                    ["why"] = "not open at the venue",
                });

            case OrderActivityKind.VenueReconciled:
                var counts = activity.Reconciliation;
                return Event("order.reconciled", default, AuditOutcome.Info, new Dictionary<string, string>
                {
                    ["after"] = counts.AfterReconnect ? "reconnect" : "start",
                    ["closedLocally"] = counts.ClosedLocally.ToString(CultureInfo.InvariantCulture),
                    ["orphansCancelled"] = counts.OrphansCancelled.ToString(CultureInfo.InvariantCulture),
                    ["foreignOrders"] = counts.ForeignOrders.ToString(CultureInfo.InvariantCulture),
                    ["fillsRecovered"] = counts.FillsRecovered.ToString(CultureInfo.InvariantCulture),
                });

            default:
                return ExecutionAudit(activity.Execution, activity.Outcome);
        }
    }

    private AuditEvent? ExecutionAudit(in ExecutionEvent e, ExecutionOutcome outcome)
    {
        if (outcome == ExecutionOutcome.NotAnOrderEvent)
        {
            return null;
        }

        var details = new Dictionary<string, string>
        {
            ["event"] = e.Kind.ToString(),
            ["outcome"] = outcome.ToString(),
            ["venueOrderId"] = e.VenueOrderId.ToString(),
            ["sequence"] = e.Sequence.ToString(CultureInfo.InvariantCulture),
        };
        if (outcome is ExecutionOutcome.Duplicate or ExecutionOutcome.Late or ExecutionOutcome.Unknown or ExecutionOutcome.Invalid)
        {
            return Event("order.ignored", e.ClientOrderId, AuditOutcome.Info, details);
        }

        if (e.IsFill)
        {
            details["side"] = e.Side.ToString();
            details["price"] = _instrument.Format(e.Price);
            details["quantity"] = _instrument.Format(e.Quantity);
            details["liquidity"] = e.Liquidity.ToString();
            details["fee"] = e.Fee.ToString(CultureInfo.InvariantCulture);
            details["tradeId"] = e.TradeId.ToString(CultureInfo.InvariantCulture);
            return Event("order.fill", e.ClientOrderId, AuditOutcome.Success, details);
        }

        if (e.IsRejection)
        {
            details["reason"] = e.RejectReason.ToString();
            details["rule"] = e.RejectReason.Describe();
            return Event("order.rejected", e.ClientOrderId, AuditOutcome.Failure, details);
        }

        return Event("order." + e.Kind.ToString().ToLowerInvariant(), e.ClientOrderId, AuditOutcome.Info, details);
    }

    private Dictionary<string, string> CommandDetails(in OrderCommand command)
    {
        var details = new Dictionary<string, string>();
        if (command.Kind is OrderCommandKind.Place or OrderCommandKind.Amend)
        {
            details["price"] = _instrument.Format(command.Price);
            details["quantity"] = _instrument.Format(command.Quantity);
        }

        if (command.Kind == OrderCommandKind.Place)
        {
            details["side"] = command.Side.ToString();
            details["postOnly"] = command.PostOnly ? "true" : "false";
        }

        return details;
    }

    private AuditEvent Event(string type, ClientOrderId id, AuditOutcome outcome, Dictionary<string, string> details) =>
        new(type, _actor, _venue, _instrument.Symbol + "/" + id.ToString(), outcome, details);

    private static string CommandType(OrderCommandKind kind) => kind switch
    {
        OrderCommandKind.Place => "order.place",
        OrderCommandKind.Cancel => "order.cancel",
        OrderCommandKind.Amend => "order.amend",
        _ => "order.cancel-all",
    };
}
