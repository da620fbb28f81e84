namespace PinnacleMM.Security.Audit;

/// <summary>One problem found by <see cref="AuditLogVerifier"/>.</summary>
/// <param name="File">The full path of the file.</param>
/// <param name="Line">The 1-based line number in that file.</param>
/// <param name="Kind">What is wrong.</param>
/// <param name="Message">A sentence naming the file, line, sequence numbers and what is wrong.</param>
public sealed record AuditProblem(string File, int Line, AuditProblemKind Kind, string Message)
{
    /// <summary><c>file:line: kind: message</c>.</summary>
    public override string ToString() => $"{File}:{Line}: {Kind}: {Message}";
}
