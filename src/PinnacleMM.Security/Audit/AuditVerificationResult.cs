namespace PinnacleMM.Security.Audit;

/// <summary>What <see cref="AuditLogVerifier.Verify"/> found.</summary>
/// <param name="Files">The files checked, oldest first.</param>
/// <param name="RecordCount">How many lines were read as records.</param>
/// <param name="FirstSequence">The sequence number of the first record (greater than 1 once retention deleted old files); 0 when there are none.</param>
/// <param name="LastSequence">The sequence number of the last record; 0 when there are none.</param>
/// <param name="LastHash">The hash of the last record (hex), to keep elsewhere as an anchor against truncation of the newest records; empty when none.</param>
/// <param name="Problems">Every problem found, in file and line order; empty when the chain is intact.</param>
public sealed record AuditVerificationResult(
    IReadOnlyList<string> Files,
    long RecordCount,
    long FirstSequence,
    long LastSequence,
    string LastHash,
    IReadOnlyList<AuditProblem> Problems)
{
    /// <summary>Whether every record is intact and the chain is unbroken across all files.</summary>
    public bool IsValid => Problems.Count == 0;
}
