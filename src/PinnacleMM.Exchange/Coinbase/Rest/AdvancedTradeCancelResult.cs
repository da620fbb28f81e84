using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Coinbase.Rest;

/// <summary>The venue's answer for one order of an Advanced Trade <c>batch_cancel</c>.</summary>
/// <param name="OrderId">The order the answer is about.</param>
/// <param name="Success">Whether the venue accepted the cancel (the <c>user</c> channel then reports the order cancelled).</param>
/// <param name="FailureReason">The documented code when refused, e.g. <c>UNKNOWN_CANCEL_ORDER</c>; null on success.</param>
/// <param name="Reason">The code mapped by <see cref="AdvancedTradeRejectReasons.MapCancel"/>; <see cref="RejectReason.None"/> on success.</param>
public sealed record AdvancedTradeCancelResult(Guid OrderId, bool Success, string? FailureReason, RejectReason Reason);
