namespace PinnacleMM.Core.Books;

/// <summary>Helpers for <see cref="DepthBookResultCode"/> values.</summary>
public static class DepthBookResultCodeExtensions
{
    /// <summary>
    /// Whether the outcome is accepted: <see cref="DepthBookResultCode.Applied"/> or
    /// <see cref="DepthBookResultCode.NothingToRemove"/>. Every other code is a rejection.
    /// </summary>
    public static bool IsAccepted(this DepthBookResultCode code) => code <= DepthBookResultCode.NothingToRemove;

    /// <summary>
    /// Says which field broke which rule, e.g. <c>"sequence: more than one above the book's sequence (messages were missed)"</c>.
    /// Returns a constant string: safe to call on a hot path.
    /// </summary>
    public static string Describe(this DepthBookResultCode code) => code switch
    {
        DepthBookResultCode.Applied => "applied",
        DepthBookResultCode.NothingToRemove => "size: 0 for a price with no level; nothing to remove",
        DepthBookResultCode.Stale => "sequence: not above the book's sequence (old or duplicate message); ignored",
        DepthBookResultCode.Gap => "sequence: more than one above the book's sequence (messages were missed); the book is out of sync until the next snapshot",
        DepthBookResultCode.NoSnapshot => "book: no snapshot applied yet; updates need a snapshot first",
        DepthBookResultCode.OutOfSync => "book: out of sync after a sequence gap; waiting for the next snapshot",
        DepthBookResultCode.SnapshotInProgress => "book: a snapshot is being built; end it first",
        DepthBookResultCode.NoSnapshotInProgress => "book: no snapshot is being built; call BeginSnapshot first",
        DepthBookResultCode.InvalidPrice => "price: must be positive",
        DepthBookResultCode.PriceAboveMaximum => "price: must not exceed the instrument's maximum price",
        DepthBookResultCode.InvalidQuantity => "size: must not be negative",
        DepthBookResultCode.InvalidSide => "side: not a defined value",
        DepthBookResultCode.InvalidSequence => "sequence: must not be negative, and a range's first sequence must not exceed its last",
        DepthBookResultCode.SequenceRequired => "sequence: the book's snapshot had a sequence number, so updates must carry one",
        DepthBookResultCode.UnexpectedSequence => "sequence: the book's snapshot had no sequence number, so updates must not carry one",
        DepthBookResultCode.DuplicateSnapshotLevel => "snapshot: the same price appears twice on one side",
        DepthBookResultCode.CrossedSnapshot => "snapshot: the best bid is at or above the best ask",
        _ => "unknown result code",
    };
}
