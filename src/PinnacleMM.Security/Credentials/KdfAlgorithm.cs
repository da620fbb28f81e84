namespace PinnacleMM.Security.Credentials;

/// <summary>The key-derivation function that turns a vault password into its key; the value is the id stored in the vault header.</summary>
public enum KdfAlgorithm : byte
{
    /// <summary>scrypt (RFC 7914) with N, r and p from the header: the default.</summary>
    Scrypt = 1,

    /// <summary>PBKDF2 with HMAC-SHA256 (RFC 8018) and the iteration count from the header.</summary>
    Pbkdf2HmacSha256 = 2,
}
