namespace PinnacleMM.Security.Credentials;

/// <summary>What a stored <see cref="ExchangeCredential"/> holds.</summary>
public enum CredentialKind : byte
{
    /// <summary>An API key with an HMAC secret and an optional passphrase.</summary>
    ApiKeySecret = 1,

    /// <summary>An API key name with a PEM private key used to sign JWTs.</summary>
    PemPrivateKey = 2,
}
