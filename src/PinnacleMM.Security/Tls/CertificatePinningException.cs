using System.Security.Authentication;

namespace PinnacleMM.Security.Tls;

/// <summary>
/// A TLS server certificate was refused by a <see cref="CertificatePinValidator"/>: its chain did not validate, or
/// no certificate in it matched the host's pins. Thrown from the validation callback, so it surfaces as the inner
/// exception of the <see cref="HttpRequestException"/> or <c>WebSocketException</c> of the failed connection.
/// </summary>
public sealed class CertificatePinningException : AuthenticationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="host">The host whose certificate was refused.</param>
    /// <param name="message">What was wrong, naming the host, the expected pins and the pins presented.</param>
    public CertificatePinningException(string host, string message)
        : base(message)
    {
        Host = host;
    }

    /// <summary>The host whose certificate was refused.</summary>
    public string Host { get; }
}
