namespace PinnacleMM.Security.Tls;

/// <summary>What a <see cref="CertificatePinValidator"/> does once a host's <see cref="PinSet.ExpiresUtc"/> has passed.</summary>
public enum ExpiredPinSetPolicy
{
    /// <summary>Refuse every connection to the host until the pins are renewed (fail closed): the default.</summary>
    Refuse,

    /// <summary>Stop checking pins and rely on normal chain validation alone, writing an audit event on each connection.</summary>
    ChainValidationOnly,
}
