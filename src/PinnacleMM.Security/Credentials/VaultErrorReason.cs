namespace PinnacleMM.Security.Credentials;

/// <summary>Why a vault could not be opened or saved.</summary>
public enum VaultErrorReason
{
    /// <summary>The password does not unlock the vault (or the header was altered and its checksum recomputed).</summary>
    WrongPassword = 1,

    /// <summary>The file was changed, truncated or extended: a header checksum or the AES-GCM tag does not match.</summary>
    Tampered = 2,

    /// <summary>The file does not start with the vault magic.</summary>
    NotAVault = 3,

    /// <summary>The file's format version is newer than this library understands.</summary>
    UnsupportedVersion = 4,

    /// <summary>The header names an unknown KDF or parameters outside the accepted range.</summary>
    UnsupportedKdf = 5,

    /// <summary>The header's KDF parameters are below the floor (a downgraded header).</summary>
    WeakKdfParameters = 6,

    /// <summary>The file can be read or written by the group or others.</summary>
    InsecurePermissions = 7,

    /// <summary>The vault file does not exist.</summary>
    NotFound = 8,

    /// <summary>A vault file already exists where a new one was to be created.</summary>
    AlreadyExists = 9,
}
