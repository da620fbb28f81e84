namespace PinnacleMM.Security.Credentials;

/// <summary>
/// A vault could not be opened or saved, with the <see cref="Reason"/>. The message names the file and
/// the problem, never a password, key or secret.
/// </summary>
public sealed class VaultException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the operation failed.</param>
    /// <param name="message">What failed; must not contain secrets.</param>
    public VaultException(VaultErrorReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Creates the exception with an inner exception.</summary>
    /// <param name="reason">Why the operation failed.</param>
    /// <param name="message">What failed; must not contain secrets.</param>
    /// <param name="innerException">The underlying error.</param>
    public VaultException(VaultErrorReason reason, string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Why the operation failed.</summary>
    public VaultErrorReason Reason { get; }
}
