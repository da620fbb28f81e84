using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using PinnacleMM.Security.Credentials;

namespace PinnacleMM.Security.Internal;

/// <summary>
/// The vault file format, version 1 (documented byte by byte in the package README):
/// <code>
///   0  8  magic "PMMVAULT"          56 12  AES-GCM nonce
///   8  2  format version (u16 LE)   68 32  password check
///  10  1  KDF id                   100  4  ciphertext length n (u32 LE)
///  11  1  reserved, 0              104  4  CRC-32C of bytes 0..103 (u32 LE)
///  12  4  KDF p1 (u32 LE)          108  n  AES-256-GCM ciphertext (AAD = bytes 0..107)
///  16  4  KDF p2 (u32 LE)        108+n 16  GCM tag
///  20  4  KDF p3 (u32 LE)
///  24 32  salt
/// </code>
/// </summary>
internal static class VaultFormat
{
    public const ushort FormatVersion = 1;
    public const int HeaderSize = 108;
    public const int SaltSize = 32;
    public const int NonceSize = 12;
    public const int CheckSize = 32;
    public const int TagSize = 16;
    public const int KeySize = 32;
    public const int MaxFileSize = 16 * 1024 * 1024;
    public const int MaxEntries = 4096;

    private const int VersionOffset = 8;
    private const int KdfIdOffset = 10;
    private const int ReservedOffset = 11;
    private const int P1Offset = 12;
    private const int P2Offset = 16;
    private const int P3Offset = 20;
    private const int SaltOffset = 24;
    private const int NonceOffset = 56;
    private const int CheckOffset = 68;
    private const int LengthOffset = 100;
    private const int CrcOffset = 104;

    public static ReadOnlySpan<byte> Magic => "PMMVAULT"u8;

    private static ReadOnlySpan<byte> KeyInfo => "PinnacleMM vault v1 encryption key"u8;

    private static ReadOnlySpan<byte> CheckInfo => "PinnacleMM vault v1 password check"u8;

    /// <summary>The length of the vault file holding <paramref name="plaintextLength"/> bytes of plaintext.</summary>
    public static long FileLength(int plaintextLength) => (long)HeaderSize + plaintextLength + TagSize;

    /// <summary>Encrypts <paramref name="plaintext"/> into a whole vault file with a fresh salt and nonce.</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> password, KdfParameters kdf, ReadOnlySpan<byte> plaintext)
    {
        var file = new byte[FileLength(plaintext.Length)];
        var header = file.AsSpan(0, HeaderSize);
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[VersionOffset..], FormatVersion);
        header[KdfIdOffset] = (byte)kdf.Algorithm;
        header[ReservedOffset] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(header[P1Offset..], kdf.Cost);
        BinaryPrimitives.WriteUInt32LittleEndian(header[P2Offset..], kdf.BlockSize);
        BinaryPrimitives.WriteUInt32LittleEndian(header[P3Offset..], kdf.Parallelism);
        RandomNumberGenerator.Fill(header.Slice(SaltOffset, SaltSize));
        RandomNumberGenerator.Fill(header.Slice(NonceOffset, NonceSize));

        Span<byte> key = stackalloc byte[KeySize];
        try
        {
            DeriveKeys(password, kdf, header.Slice(SaltOffset, SaltSize), key, header.Slice(CheckOffset, CheckSize));
            BinaryPrimitives.WriteUInt32LittleEndian(header[LengthOffset..], (uint)plaintext.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(header[CrcOffset..], Crc32C.Compute(header[..CrcOffset]));

            using var aes = new AesGcm(key, TagSize);
            aes.Encrypt(
                header.Slice(NonceOffset, NonceSize),
                plaintext,
                file.AsSpan(HeaderSize, plaintext.Length),
                file.AsSpan(HeaderSize + plaintext.Length, TagSize),
                header);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }

        return file;
    }

    /// <summary>
    /// Checks and decrypts a whole vault file. Returns the plaintext in a pinned array the caller must zero.
    /// Checks run cheapest first; the KDF runs only on a structurally sound header above the floor.
    /// </summary>
    public static byte[] Decrypt(ReadOnlySpan<byte> file, ReadOnlySpan<byte> password, bool allowInsecure, string path, out KdfParameters kdf)
    {
        kdf = default;
        if (file.Length < Magic.Length || !file[..Magic.Length].SequenceEqual(Magic))
        {
            throw new VaultException(VaultErrorReason.NotAVault, $"'{path}' is not a PinnacleMM credential vault (bad magic)");
        }

        if (file.Length < HeaderSize + TagSize)
        {
            throw new VaultException(VaultErrorReason.Tampered, $"vault '{path}' is truncated ({file.Length} bytes)");
        }

        var header = file[..HeaderSize];
        var version = BinaryPrimitives.ReadUInt16LittleEndian(header[VersionOffset..]);
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(header[CrcOffset..]);
        if (crc != Crc32C.Compute(header[..CrcOffset]))
        {
            throw new VaultException(VaultErrorReason.Tampered, $"vault '{path}' has been altered or corrupted: the header checksum does not match");
        }

        if (version != FormatVersion)
        {
            throw new VaultException(VaultErrorReason.UnsupportedVersion, $"vault '{path}' has format version {version}; this library reads version {FormatVersion}");
        }

        if (header[ReservedOffset] != 0)
        {
            throw new VaultException(VaultErrorReason.Tampered, $"vault '{path}' has a non-zero reserved header byte");
        }

        kdf = new KdfParameters(
            (KdfAlgorithm)header[KdfIdOffset],
            BinaryPrimitives.ReadUInt32LittleEndian(header[P1Offset..]),
            BinaryPrimitives.ReadUInt32LittleEndian(header[P2Offset..]),
            BinaryPrimitives.ReadUInt32LittleEndian(header[P3Offset..]));
        if (!kdf.IsWellFormed)
        {
            throw new VaultException(VaultErrorReason.UnsupportedKdf, $"vault '{path}' names unsupported KDF parameters: {kdf}");
        }

        if (!kdf.MeetsMinimum && !allowInsecure)
        {
            throw new VaultException(
                VaultErrorReason.WeakKdfParameters,
                $"vault '{path}' uses {kdf}, below the minimum {KdfParameters.MinimumScrypt} / {KdfParameters.MinimumPbkdf2}: the header may have been downgraded; refusing to open");
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(header[LengthOffset..]);
        if ((long)HeaderSize + length + TagSize != file.Length)
        {
            throw new VaultException(VaultErrorReason.Tampered, $"vault '{path}' has been truncated or extended: the header says {length} bytes of ciphertext, the file holds {file.Length - HeaderSize - TagSize}");
        }

        Span<byte> key = stackalloc byte[KeySize];
        Span<byte> check = stackalloc byte[CheckSize];
        try
        {
            DeriveKeys(password, kdf, header.Slice(SaltOffset, SaltSize), key, check);
            if (!CryptographicOperations.FixedTimeEquals(check, header.Slice(CheckOffset, CheckSize)))
            {
                throw new VaultException(VaultErrorReason.WrongPassword, $"wrong password for vault '{path}'");
            }

            var plaintext = GC.AllocateUninitializedArray<byte>((int)length, pinned: true);
            try
            {
                using var aes = new AesGcm(key, TagSize);
                aes.Decrypt(header.Slice(NonceOffset, NonceSize), file.Slice(HeaderSize, (int)length), file.Slice(HeaderSize + (int)length, TagSize), plaintext, header);
                return plaintext;
            }
            catch (AuthenticationTagMismatchException ex)
            {
                CryptographicOperations.ZeroMemory(plaintext);
                throw new VaultException(VaultErrorReason.Tampered, $"vault '{path}' has been altered or corrupted: the password is right but the authentication tag does not match", ex);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(check);
        }
    }

    /// <summary>KDF(password, salt) gives a 32-byte master; HKDF-Expand-SHA256 splits it into the AES key and the password check.</summary>
    public static void DeriveKeys(ReadOnlySpan<byte> password, KdfParameters kdf, ReadOnlySpan<byte> salt, Span<byte> key, Span<byte> check)
    {
        Span<byte> master = stackalloc byte[32];
        try
        {
            switch (kdf.Algorithm)
            {
                case KdfAlgorithm.Scrypt:
                    BouncyCastleAdapter.Scrypt(password, salt, (int)kdf.Cost, (int)kdf.BlockSize, (int)kdf.Parallelism, master);
                    break;
                case KdfAlgorithm.Pbkdf2HmacSha256:
                    Rfc2898DeriveBytes.Pbkdf2(password, salt, master, (int)kdf.Cost, HashAlgorithmName.SHA256);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(kdf), kdf.ToString());
            }

            HKDF.Expand(HashAlgorithmName.SHA256, master, key, KeyInfo);
            HKDF.Expand(HashAlgorithmName.SHA256, master, check, CheckInfo);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(master);
        }
    }

    /// <summary>Serializes the entries (sorted by name) into a pinned array the caller must zero.</summary>
    public static byte[] SerializeEntries(SortedDictionary<string, ExchangeCredential> entries)
    {
        var size = 4;
        foreach (var (name, credential) in entries)
        {
            size += 2 + Encoding.UTF8.GetByteCount(name) + 1 + 2 + Encoding.UTF8.GetByteCount(credential.ApiKey)
                + 4 + credential.Secret.Length + 4 + credential.Passphrase.Length;
        }

        var buffer = GC.AllocateUninitializedArray<byte>(size, pinned: true);
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)entries.Count);
        var offset = 4;
        foreach (var (name, credential) in entries)
        {
            offset += WriteString16(span[offset..], name);
            span[offset++] = (byte)credential.Kind;
            offset += WriteString16(span[offset..], credential.ApiKey);
            offset += WriteBytes32(span[offset..], credential.Secret);
            offset += WriteBytes32(span[offset..], credential.Passphrase);
        }

        return buffer;
    }

    /// <summary>Parses decrypted entries; any malformation is <see cref="VaultErrorReason.Tampered"/> (authenticated data that does not parse was written by something else).</summary>
    public static SortedDictionary<string, ExchangeCredential> ParseEntries(ReadOnlySpan<byte> plaintext, string path)
    {
        var entries = new SortedDictionary<string, ExchangeCredential>(StringComparer.Ordinal);
        try
        {
            var count = BinaryPrimitives.ReadUInt32LittleEndian(plaintext);
            if (count > MaxEntries)
            {
                throw new FormatException("too many entries");
            }

            var offset = 4;
            for (var i = 0; i < count; i++)
            {
                var name = ReadString16(plaintext, ref offset);
                var kind = (CredentialKind)plaintext[offset++];
                var apiKey = ReadString16(plaintext, ref offset);
                var secret = ReadBytes32(plaintext, ref offset);
                var passphrase = ReadBytes32(plaintext, ref offset);
                if (!CredentialVault.IsValidName(name) || entries.ContainsKey(name))
                {
                    throw new FormatException("bad or duplicate entry name");
                }

                entries.Add(name, ExchangeCredential.Create(kind, apiKey, secret, passphrase));
            }

            if (offset != plaintext.Length)
            {
                throw new FormatException("trailing bytes");
            }

            return entries;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            foreach (var credential in entries.Values)
            {
                credential.Dispose();
            }

            // The inner exception carries no secret: only structural messages are thrown above.
            throw new VaultException(VaultErrorReason.Tampered, $"vault '{path}' decrypted but its content is malformed", ex);
        }
    }

    private static int WriteString16(Span<byte> destination, string value)
    {
        var length = Encoding.UTF8.GetBytes(value, destination[2..]);
        BinaryPrimitives.WriteUInt16LittleEndian(destination, checked((ushort)length));
        return 2 + length;
    }

    private static int WriteBytes32(Span<byte> destination, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)value.Length);
        value.CopyTo(destination[4..]);
        return 4 + value.Length;
    }

    private static string ReadString16(ReadOnlySpan<byte> source, ref int offset)
    {
        int length = BinaryPrimitives.ReadUInt16LittleEndian(source[offset..]);
        offset += 2;
        var value = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(source.Slice(offset, length));
        offset += length;
        return value;
    }

    private static ReadOnlySpan<byte> ReadBytes32(ReadOnlySpan<byte> source, ref int offset)
    {
        var length = BinaryPrimitives.ReadUInt32LittleEndian(source[offset..]);
        offset += 4;
        if (length > (uint)(source.Length - offset))
        {
            throw new FormatException("length beyond end");
        }

        var value = source.Slice(offset, (int)length);
        offset += (int)length;
        return value;
    }
}
