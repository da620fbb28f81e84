namespace PinnacleMM.Core.Books;

/// <summary>
/// The outcome of a <see cref="DepthBook"/> operation. <see cref="Applied"/> and
/// <see cref="NothingToRemove"/> are accepted outcomes; every other code is a rejection that left the
/// book's levels and sequence exactly as they were (only <see cref="Gap"/> also marks the book out of
/// sync). <see cref="DepthBookResultCodeExtensions.Describe"/> says which field broke which rule.
/// </summary>
public enum DepthBookResultCode : byte
{
    /// <summary>
    /// The operation was applied: an update added, changed or removed a level, a snapshot replaced both
    /// sides, or a snapshot build was started or took a level.
    /// </summary>
    Applied = 0,

    /// <summary>
    /// The update set size 0 for a price that has no level: there was nothing to remove. Accepted (feeds
    /// do send these), the book's levels are unchanged and a sequenced update's number is consumed.
    /// </summary>
    NothingToRemove,

    /// <summary>The update's sequence number is not above the book's <see cref="DepthBook.Sequence"/>: an old or duplicate message, ignored.</summary>
    Stale,

    /// <summary>
    /// The update's sequence number is more than one above the book's <see cref="DepthBook.Sequence"/>:
    /// messages were missed. The update is ignored and the book is out of sync until the next snapshot.
    /// </summary>
    Gap,

    /// <summary>No snapshot has been applied yet (or the book was cleared): updates need a snapshot first.</summary>
    NoSnapshot,

    /// <summary>A gap was detected earlier; the book refuses updates until the next snapshot.</summary>
    OutOfSync,

    /// <summary>A snapshot is being built (<see cref="DepthBook.BeginSnapshot(long)"/>); updates and span snapshots wait until it ends.</summary>
    SnapshotInProgress,

    /// <summary>A snapshot level or end was given without <see cref="DepthBook.BeginSnapshot(long)"/> first.</summary>
    NoSnapshotInProgress,

    /// <summary>The price is zero or negative.</summary>
    InvalidPrice,

    /// <summary>The price is above the instrument's maximum price.</summary>
    PriceAboveMaximum,

    /// <summary>The size is negative.</summary>
    InvalidQuantity,

    /// <summary>The side is not a defined <see cref="Primitives.Side"/> value.</summary>
    InvalidSide,

    /// <summary>The sequence number is negative, or a sequence range starts after it ends.</summary>
    InvalidSequence,

    /// <summary>The book's snapshot carried a sequence number, so every update must carry one too.</summary>
    SequenceRequired,

    /// <summary>The update carries a sequence number but the book's snapshot had none: the book does not track sequences.</summary>
    UnexpectedSequence,

    /// <summary>The snapshot lists the same price twice on one side.</summary>
    DuplicateSnapshotLevel,

    /// <summary>The snapshot's best bid is at or above its best ask.</summary>
    CrossedSnapshot,
}
