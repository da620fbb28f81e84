namespace PinnacleMM.Core.Strategies;

/// <summary>How <see cref="QuoteReconciler"/> decides whether a live order still serves a desired quote.</summary>
public sealed record QuoteReconcilerOptions
{
    /// <summary>A live order within this many ticks of a desired price is left alone (keeping its queue priority). Default 0: exact price.</summary>
    public long PriceToleranceTicks { get; init; }

    /// <summary>A live order whose remaining size is within this many lots of the desired size is left alone. Default 0: exact size.</summary>
    public long QuantityToleranceLots { get; init; }

    /// <summary>A live order older than this is replaced (cancel and place) even when it still matches; 0 means never. Default 0.</summary>
    public long MaxOrderAgeNanoseconds { get; init; }

    /// <summary>A cancel that got no answer within this time is sent again; 0 means never resend. Default 0.</summary>
    public long CancelRetryNanoseconds { get; init; }

    /// <summary>Whether to amend a live order to a new price and size instead of cancelling it and placing another. Default true.</summary>
    public bool AllowAmend { get; init; } = true;

    /// <summary>Checks every field; returns the first broken rule, naming the field, or <see langword="null"/> when valid.</summary>
    public string? Validate()
    {
        if (PriceToleranceTicks < 0)
        {
            return $"{nameof(PriceToleranceTicks)}: {PriceToleranceTicks} must not be negative.";
        }

        if (QuantityToleranceLots < 0)
        {
            return $"{nameof(QuantityToleranceLots)}: {QuantityToleranceLots} must not be negative.";
        }

        if (MaxOrderAgeNanoseconds < 0)
        {
            return $"{nameof(MaxOrderAgeNanoseconds)}: {MaxOrderAgeNanoseconds} must not be negative.";
        }

        return CancelRetryNanoseconds < 0 ? $"{nameof(CancelRetryNanoseconds)}: {CancelRetryNanoseconds} must not be negative." : null;
    }
}
