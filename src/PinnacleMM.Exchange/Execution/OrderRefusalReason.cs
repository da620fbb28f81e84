namespace PinnacleMM.Exchange.Execution;

/// <summary>
/// Why the <see cref="OrderManager"/> refused to send an action itself, before the venue saw it. Nothing
/// is sent and no order state changes for a refused action; the refusal is recorded as an
/// <see cref="OrderActivity"/> (journal, audit) and counted (metrics).
/// </summary>
public enum OrderRefusalReason : byte
{
    /// <summary>Not refused.</summary>
    None = 0,

    /// <summary>Pre-trade risk refused it; <see cref="OrderActivity.RiskReason"/> says which check.</summary>
    Risk = 1,

    /// <summary>The price is not positive, above the instrument's maximum or off its tick grid (Security input validation).</summary>
    InvalidPrice = 2,

    /// <summary>The quantity is below the instrument's minimum, above its maximum or off its lot grid (Security input validation).</summary>
    InvalidQuantity = 3,

    /// <summary>The Security rate limit of the action's category (order submit, cancel or modify) refused it.</summary>
    RateLimited = 4,

    /// <summary>The order-entry connection is not up: nothing can be sent.</summary>
    NotConnected = 5,
}
