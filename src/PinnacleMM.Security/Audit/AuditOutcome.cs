namespace PinnacleMM.Security.Audit;

/// <summary>How an audited action ended; written as the lower-case name (<c>success</c>, <c>failure</c>, <c>denied</c>, <c>info</c>).</summary>
public enum AuditOutcome
{
    /// <summary>The action succeeded.</summary>
    Success,

    /// <summary>The action was attempted and failed (an error, a broken environment).</summary>
    Failure,

    /// <summary>The action was refused by a security control (wrong password, pin mismatch, rate limit).</summary>
    Denied,

    /// <summary>Nothing was attempted: a notice (a rotation, a dropped-events count, an expired pin set).</summary>
    Info,
}
