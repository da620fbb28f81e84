using PinnacleMM.Core.Strategies;

namespace PinnacleMM.Exchange.Execution;

/// <summary>How an <see cref="OrderManager"/> turns quotes into orders and looks after them.</summary>
public sealed record OrderManagerOptions
{
    /// <summary>
    /// The reconciler's tolerances, maximum order age (the strategy's order timeout) and cancel retry
    /// interval; take them from the strategy's config, e.g. <see cref="BasicMarketMakerOptions.ToReconcilerOptions"/>.
    /// Amends are used only when both this allows them and the venue supports them.
    /// </summary>
    public QuoteReconcilerOptions Reconciler { get; init; } = new();

    /// <summary>
    /// A new order still unacknowledged after this long is cancelled (by client order id), which makes the
    /// venue tell its fate: a cancel rejected as unknown closes it as never placed. Positive, at most 1 hour. Default 5 s.
    /// </summary>
    public TimeSpan AcknowledgementTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long after the venue refused a cancel (rate limit, busy, too late... anything but not knowing the order) the
    /// cancel is sent again, at the least: the first wait is the longer of this and the reconciler's
    /// <see cref="QuoteReconcilerOptions.CancelRetryNanoseconds"/>, and it doubles with every further refusal of the same
    /// order in a row, up to <see cref="MaxCancelRefusalBackoff"/>. Meanwhile the order rests: it counts as open for risk
    /// and exposure, and is not matched to a quote again. Positive, at most 1 minute. Default 100 ms.
    /// </summary>
    public TimeSpan CancelRefusalBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The longest wait between the cancels of an order the venue keeps refusing (the cap of the doubling of
    /// <see cref="CancelRefusalBackoff"/>; never shorter than the first wait). Equal to <see cref="CancelRefusalBackoff"/>
    /// for a fixed interval. At least <see cref="CancelRefusalBackoff"/>, at most 1 hour. Default 1 s.
    /// </summary>
    public TimeSpan MaxCancelRefusalBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether quotes are sent post-only (maker only). Default true.</summary>
    public bool PostOnly { get; init; } = true;

    /// <summary>Whether to ask the Security rate limiters (order submit, cancel, modify) before sending; refused actions are not sent. Default true (when a limiter set is given).</summary>
    public bool EnforceRateLimits { get; init; } = true;

    /// <summary>Every broken rule, naming the field; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Reconciler is null)
        {
            errors.Add("Reconciler: is required.");
        }
        else if (Reconciler.Validate() is { } error)
        {
            errors.Add("Reconciler." + error);
        }

        if (AcknowledgementTimeout <= TimeSpan.Zero || AcknowledgementTimeout > TimeSpan.FromHours(1))
        {
            errors.Add($"AcknowledgementTimeout: {AcknowledgementTimeout} must be positive and at most 1 hour.");
        }

        if (CancelRefusalBackoff <= TimeSpan.Zero || CancelRefusalBackoff > TimeSpan.FromMinutes(1))
        {
            errors.Add($"CancelRefusalBackoff: {CancelRefusalBackoff} must be positive and at most 1 minute.");
        }

        if (MaxCancelRefusalBackoff < CancelRefusalBackoff || MaxCancelRefusalBackoff > TimeSpan.FromHours(1))
        {
            errors.Add($"MaxCancelRefusalBackoff: {MaxCancelRefusalBackoff} must be at least CancelRefusalBackoff ({CancelRefusalBackoff}) and at most 1 hour.");
        }

        return errors;
    }
}
