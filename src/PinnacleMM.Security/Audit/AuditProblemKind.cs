namespace PinnacleMM.Security.Audit;

/// <summary>What <see cref="AuditLogVerifier"/> found wrong with a record.</summary>
public enum AuditProblemKind
{
    /// <summary>The line is not a complete, well-formed record (also a torn last line).</summary>
    Malformed,

    /// <summary>The record's content does not match its own hash: it was edited.</summary>
    Edited,

    /// <summary>The record's <c>prev</c> is not the hash of the record before it: a record before it was changed or replaced.</summary>
    ChainBroken,

    /// <summary>Sequence numbers jump forward: records (or whole files) between them were deleted.</summary>
    Missing,

    /// <summary>A sequence number repeats or goes backwards: a record was inserted or the records were reordered.</summary>
    OutOfOrder,
}
