namespace PinnacleMM.Security.Credentials;

/// <summary>How a <see cref="CredentialVault"/> derives its key when it saves, and which files it accepts.</summary>
public sealed class VaultOptions
{
    /// <summary>The parameters used on every save (opening uses the header's). Defaults to <see cref="KdfParameters.Default"/>.</summary>
    public KdfParameters Kdf { get; init; } = KdfParameters.Default;

    /// <summary>
    /// FOR TESTS ONLY: accept KDF parameters below the floor, both when saving and when opening. A vault
    /// written this way can be brute-forced quickly. Never set this in production code.
    /// </summary>
    public bool AllowInsecureKdfParametersForTesting { get; init; }
}
