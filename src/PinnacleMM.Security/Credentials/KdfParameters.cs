namespace PinnacleMM.Security.Credentials;

/// <summary>
/// Which key-derivation function a vault uses and how expensive it is. The parameters are stored in the
/// vault header, so they can be raised later without breaking files written with older ones; any set
/// below <see cref="MinimumScrypt"/> or <see cref="MinimumPbkdf2"/> is refused unless
/// <see cref="VaultOptions.AllowInsecureKdfParametersForTesting"/> is set.
/// </summary>
/// <param name="Algorithm">The key-derivation function.</param>
/// <param name="Cost">scrypt: the CPU/memory cost N (a power of two); PBKDF2: the iteration count.</param>
/// <param name="BlockSize">scrypt: the block size r; PBKDF2: 0.</param>
/// <param name="Parallelism">scrypt: the parallelism p; PBKDF2: 0.</param>
public readonly record struct KdfParameters(KdfAlgorithm Algorithm, uint Cost, uint BlockSize, uint Parallelism)
{
    /// <summary>Largest scrypt N accepted from a header (2^22, 4 GiB of memory at r = 8 would be absurd; this caps a hostile header).</summary>
    internal const uint MaxScryptCost = 1u << 22;

    /// <summary>Largest scrypt r accepted from a header.</summary>
    internal const uint MaxScryptBlockSize = 32;

    /// <summary>Largest scrypt p accepted from a header.</summary>
    internal const uint MaxScryptParallelism = 16;

    /// <summary>Largest PBKDF2 iteration count accepted from a header.</summary>
    internal const uint MaxPbkdf2Iterations = 100_000_000;

    /// <summary>
    /// The default: scrypt N = 2^16, r = 8, p = 1 (64 MiB of memory), measured at about 0.55–0.75 s per
    /// unlock on the 2-core development machine.
    /// </summary>
    public static KdfParameters Default => new(KdfAlgorithm.Scrypt, 1u << 16, 8, 1);

    /// <summary>The weakest scrypt parameters a vault may use: N = 2^15, r = 8, p = 1.</summary>
    public static KdfParameters MinimumScrypt => new(KdfAlgorithm.Scrypt, 1u << 15, 8, 1);

    /// <summary>The weakest PBKDF2-HMAC-SHA256 parameters a vault may use: 600,000 iterations (OWASP 2023).</summary>
    public static KdfParameters MinimumPbkdf2 => new(KdfAlgorithm.Pbkdf2HmacSha256, 600_000, 0, 0);

    /// <summary>scrypt parameters.</summary>
    /// <param name="cost">N, a power of two.</param>
    /// <param name="blockSize">r.</param>
    /// <param name="parallelism">p.</param>
    /// <returns>The parameter set; it is checked against the floor when a vault is saved or opened.</returns>
    public static KdfParameters Scrypt(uint cost, uint blockSize, uint parallelism) =>
        new(KdfAlgorithm.Scrypt, cost, blockSize, parallelism);

    /// <summary>PBKDF2-HMAC-SHA256 parameters.</summary>
    /// <param name="iterations">The iteration count; at least 600,000 in production.</param>
    /// <returns>The parameter set; it is checked against the floor when a vault is saved or opened.</returns>
    public static KdfParameters Pbkdf2(uint iterations) => new(KdfAlgorithm.Pbkdf2HmacSha256, iterations, 0, 0);

    /// <summary>Whether the set is well formed and within the caps (known algorithm, N a power of two ≥ 2, sizes in range), regardless of the floor.</summary>
    public bool IsWellFormed => Algorithm switch
    {
        KdfAlgorithm.Scrypt => Cost >= 2 && Cost <= MaxScryptCost && (Cost & (Cost - 1)) == 0
            && BlockSize is >= 1 and <= MaxScryptBlockSize && Parallelism is >= 1 and <= MaxScryptParallelism,
        KdfAlgorithm.Pbkdf2HmacSha256 => Cost is >= 1 and <= MaxPbkdf2Iterations && BlockSize == 0 && Parallelism == 0,
        _ => false,
    };

    /// <summary>Whether the set is well formed and at least as strong as the floor of its algorithm.</summary>
    public bool MeetsMinimum => IsWellFormed && Algorithm switch
    {
        KdfAlgorithm.Scrypt => Cost >= MinimumScrypt.Cost && BlockSize >= MinimumScrypt.BlockSize && Parallelism >= MinimumScrypt.Parallelism,
        KdfAlgorithm.Pbkdf2HmacSha256 => Cost >= MinimumPbkdf2.Cost,
        _ => false,
    };

    /// <summary>A description such as <c>scrypt(N=65536, r=8, p=1)</c>.</summary>
    public override string ToString() => Algorithm switch
    {
        KdfAlgorithm.Scrypt => $"scrypt(N={Cost}, r={BlockSize}, p={Parallelism})",
        KdfAlgorithm.Pbkdf2HmacSha256 => $"PBKDF2-HMAC-SHA256(iterations={Cost})",
        _ => $"unknown KDF {(byte)Algorithm}",
    };
}
