using PinnacleMM.Core.Risk;
using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Execution;

/// <summary>The result of <see cref="OrderManager.PlaceOrder"/>: sent with its client order id, or refused with the reason and a message naming the field and the rule.</summary>
/// <param name="IsSent">Whether the order was sent to the venue (its fate then comes as execution events).</param>
/// <param name="ClientOrderId">The id given to the order; <see cref="ClientOrderId.None"/> when refused.</param>
/// <param name="Refusal">Why it was refused; <see cref="OrderRefusalReason.None"/> when sent.</param>
/// <param name="RiskReason">For a refusal by risk, the check that failed.</param>
/// <param name="Message">For a refusal, what was wrong (field and rule); null when sent.</param>
public readonly record struct OrderPlacement(bool IsSent, ClientOrderId ClientOrderId, OrderRefusalReason Refusal, RiskRejectReason RiskReason, string? Message);
