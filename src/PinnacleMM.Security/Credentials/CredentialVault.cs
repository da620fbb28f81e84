using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using PinnacleMM.Security.Internal;

namespace PinnacleMM.Security.Credentials;

/// <summary>
/// An encrypted file of named exchange credentials (AES-256-GCM under a key derived from a password with
/// scrypt or PBKDF2; format in the package README). Every change is written at once, atomically, with a
/// fresh salt and nonce, owner-only (0600). Opening refuses a wrong password, a tampered or downgraded
/// file and a file others can read, each with its own <see cref="VaultErrorReason"/>; nothing is loaded
/// unless everything checks out. Thread-safe. Dispose to zero the password and secrets held in memory.
/// </summary>
public sealed class CredentialVault : IDisposable
{
    /// <summary>Longest credential name, in characters.</summary>
    public const int MaxNameLength = 64;

    /// <summary>Most credentials one vault holds: <see cref="Open"/> refuses a file with more, so <see cref="Add"/> refuses to write one.</summary>
    public const int MaxCredentials = VaultFormat.MaxEntries;

    /// <summary>Largest vault file, in bytes (16 MiB): <see cref="Open"/> refuses a larger file, so <see cref="Add"/> refuses to write one.</summary>
    public const int MaxFileBytes = VaultFormat.MaxFileSize;

    private readonly Lock _lock = new();
    private readonly VaultOptions _options;
    private SortedDictionary<string, ExchangeCredential> _entries;
    private byte[] _password;
    private bool _disposed;

    private CredentialVault(string path, byte[] password, VaultOptions options, SortedDictionary<string, ExchangeCredential> entries, KdfParameters kdf)
    {
        FilePath = path;
        _password = password;
        _options = options;
        _entries = entries;
        Kdf = kdf;
    }

    /// <summary>The full path of the vault file.</summary>
    public string FilePath { get; }

    /// <summary>The KDF parameters of the file as last opened or saved (a save uses <see cref="VaultOptions.Kdf"/>, so older, weaker files are upgraded on their next change).</summary>
    public KdfParameters Kdf { get; private set; }

    /// <summary>The credential names, sorted ordinally.</summary>
    /// <exception cref="ObjectDisposedException">The vault was disposed.</exception>
    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return [.. _entries.Keys];
            }
        }
    }

    /// <summary>Creates a new, empty vault file.</summary>
    /// <param name="path">Where to write it; the directory must exist.</param>
    /// <param name="password">The password; must not be empty. Copied, so the caller may zero its buffer.</param>
    /// <param name="options">KDF parameters; defaults to scrypt N=2^16, r=8, p=1.</param>
    /// <returns>The open vault.</returns>
    /// <exception cref="ArgumentException">The password is empty or the KDF parameters are below the floor without the test option.</exception>
    /// <exception cref="VaultException"><see cref="VaultErrorReason.AlreadyExists"/> when a file is already there.</exception>
    public static CredentialVault Create(string path, ReadOnlySpan<char> password, VaultOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new VaultOptions();
        CheckSaveParameters(options);
        var fullPath = Path.GetFullPath(path);
        if (File.Exists(fullPath))
        {
            throw new VaultException(VaultErrorReason.AlreadyExists, $"vault '{fullPath}' already exists; open it instead");
        }

        var vault = new CredentialVault(fullPath, EncodePassword(password, nameof(password)), options, new SortedDictionary<string, ExchangeCredential>(StringComparer.Ordinal), options.Kdf);
        try
        {
            vault.Save(vault._entries, vault._password);
            return vault;
        }
        catch
        {
            vault.Dispose();
            throw;
        }
    }

    /// <summary>Opens and decrypts an existing vault file.</summary>
    /// <param name="path">The vault file.</param>
    /// <param name="password">The password. Copied, so the caller may zero its buffer.</param>
    /// <param name="options">Options for later saves, and whether weak test parameters are accepted.</param>
    /// <returns>The open vault.</returns>
    /// <exception cref="ArgumentException">The password is empty.</exception>
    /// <exception cref="VaultException">
    /// <see cref="VaultErrorReason.NotFound"/>, <see cref="VaultErrorReason.InsecurePermissions"/> (group or others
    /// have any access), <see cref="VaultErrorReason.NotAVault"/>, <see cref="VaultErrorReason.UnsupportedVersion"/>,
    /// <see cref="VaultErrorReason.UnsupportedKdf"/>, <see cref="VaultErrorReason.WeakKdfParameters"/> (downgraded header),
    /// <see cref="VaultErrorReason.WrongPassword"/> or <see cref="VaultErrorReason.Tampered"/>.
    /// </exception>
    public static CredentialVault Open(string path, ReadOnlySpan<char> password, VaultOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new VaultOptions();
        var fullPath = Path.GetFullPath(path);
        var passwordBytes = EncodePassword(password, nameof(password));
        try
        {
            var file = ReadVaultFile(fullPath);
            var plaintext = VaultFormat.Decrypt(file, passwordBytes, options.AllowInsecureKdfParametersForTesting, fullPath, out var kdf);
            try
            {
                var entries = VaultFormat.ParseEntries(plaintext, fullPath);
                return new CredentialVault(fullPath, passwordBytes, options, entries, kdf);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plaintext);
            }
        }
        catch
        {
            CryptographicOperations.ZeroMemory(passwordBytes);
            throw;
        }
    }

    /// <summary>Whether <paramref name="name"/> is a valid credential name: 1 to 64 of <c>A-Z a-z 0-9 . _ -</c>, not starting with <c>.</c>.</summary>
    /// <param name="name">The candidate name; null is invalid.</param>
    /// <returns>Whether the name is accepted by <see cref="Add"/>.</returns>
    public static bool IsValidName([NotNullWhen(true)] string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || name[0] == '.')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether a credential with this name is stored.</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when stored.</returns>
    /// <exception cref="ObjectDisposedException">The vault was disposed.</exception>
    public bool Contains(string name)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return name is not null && _entries.ContainsKey(name);
        }
    }

    /// <summary>A copy of the named credential; dispose it when done to zero its buffers.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="KeyNotFoundException">No credential has this name.</exception>
    /// <exception cref="ObjectDisposedException">The vault was disposed.</exception>
    public ExchangeCredential Get(string name) =>
        TryGet(name, out var credential) ? credential : throw new KeyNotFoundException($"no credential named '{name}' in vault '{FilePath}'");

    /// <summary>A copy of the named credential, if stored; dispose it when done.</summary>
    /// <param name="name">The name.</param>
    /// <param name="credential">The copy, or null.</param>
    /// <returns>Whether it was found.</returns>
    /// <exception cref="ObjectDisposedException">The vault was disposed.</exception>
    public bool TryGet(string name, [NotNullWhen(true)] out ExchangeCredential? credential)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (name is not null && _entries.TryGetValue(name, out var stored))
            {
                credential = stored.Clone();
                return true;
            }

            credential = null;
            return false;
        }
    }

    /// <summary>Stores a copy of <paramref name="credential"/> under <paramref name="name"/> and saves the file.</summary>
    /// <param name="name">A valid name (see <see cref="IsValidName"/>) not yet stored.</param>
    /// <param name="credential">The credential; copied, so the caller still owns (and disposes) it.</param>
    /// <exception cref="ArgumentException">The name is invalid or already stored (use <see cref="Remove"/> first); nothing changes.</exception>
    /// <exception cref="InvalidOperationException">
    /// The vault would hold more than <see cref="MaxCredentials"/> credentials or its file would be larger than
    /// <see cref="MaxFileBytes"/>, which <see cref="Open"/> would refuse; nothing changes.
    /// </exception>
    /// <exception cref="IOException">The file could not be written; the vault and file are unchanged.</exception>
    /// <exception cref="ObjectDisposedException">The vault or the credential was disposed.</exception>
    public void Add(string name, ExchangeCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        if (!IsValidName(name))
        {
            throw new ArgumentException($"credential name must be 1 to {MaxNameLength} of A-Z a-z 0-9 . _ - and not start with '.'", nameof(name));
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_entries.ContainsKey(name))
            {
                throw new ArgumentException($"a credential named '{name}' already exists", nameof(name));
            }

            var copy = credential.Clone();
            var next = new SortedDictionary<string, ExchangeCredential>(_entries, StringComparer.Ordinal) { [name] = copy };
            try
            {
                Save(next, _password);
            }
            catch
            {
                copy.Dispose();
                throw;
            }

            _entries = next;
        }
    }

    /// <summary>Removes the named credential and saves the file.</summary>
    /// <param name="name">The name.</param>
    /// <returns>Whether it was stored (when not, nothing is written).</returns>
    /// <exception cref="IOException">The file could not be written; the vault and file are unchanged.</exception>
    /// <exception cref="ObjectDisposedException">The vault was disposed.</exception>
    public bool Remove(string name)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (name is null || !_entries.TryGetValue(name, out var removed))
            {
                return false;
            }

            var next = new SortedDictionary<string, ExchangeCredential>(_entries, StringComparer.Ordinal);
            next.Remove(name);
            Save(next, _password);
            _entries = next;
            removed.Dispose();
            return true;
        }
    }

    /// <summary>Re-encrypts the file under a new password, with a new salt and nonce.</summary>
    /// <param name="currentPassword">The current password, checked in constant time.</param>
    /// <param name="newPassword">The new password; must not be empty.</param>
    /// <exception cref="VaultException"><see cref="VaultErrorReason.WrongPassword"/> when <paramref name="currentPassword"/> is wrong; nothing changes.</exception>
    /// <exception cref="ArgumentException">A password is empty (the exception names which); nothing changes.</exception>
    /// <exception cref="ObjectDisposedException">The vault was disposed.</exception>
    public void ChangePassword(ReadOnlySpan<char> currentPassword, ReadOnlySpan<char> newPassword)
    {
        var current = EncodePassword(currentPassword, nameof(currentPassword));
        byte[]? replacement = null;
        try
        {
            replacement = EncodePassword(newPassword, nameof(newPassword));
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (!CryptographicOperations.FixedTimeEquals(current, _password))
                {
                    throw new VaultException(VaultErrorReason.WrongPassword, $"wrong current password for vault '{FilePath}'");
                }

                Save(_entries, replacement);
                (_password, replacement) = (replacement, _password);
            }
        }
        finally
        {
            // On every path, the refused ones included: after the swap this is the old password.
            CryptographicOperations.ZeroMemory(current);
            CryptographicOperations.ZeroMemory(replacement);
        }
    }

    /// <summary>Zeroes the password and every secret held in memory. The file is untouched.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            CryptographicOperations.ZeroMemory(_password);
            foreach (var credential in _entries.Values)
            {
                credential.Dispose();
            }
        }
    }

    /// <summary>The path and the KDF parameters; never a secret.</summary>
    public override string ToString() => $"CredentialVault('{FilePath}', {Kdf})";

    private static void CheckSaveParameters(VaultOptions options)
    {
        if (!options.Kdf.IsWellFormed)
        {
            throw new ArgumentException($"KDF parameters {options.Kdf} are not well formed", nameof(options));
        }

        if (!options.Kdf.MeetsMinimum && !options.AllowInsecureKdfParametersForTesting)
        {
            throw new ArgumentException($"KDF parameters {options.Kdf} are below the minimum {KdfParameters.MinimumScrypt} / {KdfParameters.MinimumPbkdf2}", nameof(options));
        }
    }

    private static byte[] EncodePassword(ReadOnlySpan<char> password, string paramName)
    {
        if (password.IsEmpty)
        {
            throw new ArgumentException($"{paramName} must not be empty", paramName);
        }

        var bytes = GC.AllocateUninitializedArray<byte>(Encoding.UTF8.GetByteCount(password), pinned: true);
        Encoding.UTF8.GetBytes(password, bytes);
        return bytes;
    }

    private static byte[] ReadVaultFile(string fullPath)
    {
        if (!File.Exists(fullPath))
        {
            throw new VaultException(VaultErrorReason.NotFound, $"vault '{fullPath}' does not exist");
        }

        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(fullPath);
            if ((mode & AtomicFile.GroupOrOther) != 0)
            {
                throw new VaultException(
                    VaultErrorReason.InsecurePermissions,
                    $"vault '{fullPath}' is accessible by group or others (mode {Convert.ToString((int)mode, 8)}); run 'chmod 600' on it and rotate the credentials if others may have read it");
            }
        }

        using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length > VaultFormat.MaxFileSize)
        {
            throw new VaultException(VaultErrorReason.Tampered, $"vault '{fullPath}' is larger than {VaultFormat.MaxFileSize} bytes");
        }

        var file = new byte[stream.Length];
        stream.ReadExactly(file);
        return file;
    }

    /// <summary>Writes the file; refuses, before writing anything, a file that <see cref="Open"/> would refuse (it would lose every credential).</summary>
    private void Save(SortedDictionary<string, ExchangeCredential> entries, byte[] password)
    {
        CheckSaveParameters(_options);
        if (entries.Count > MaxCredentials)
        {
            throw new InvalidOperationException(
                $"vault '{FilePath}' would hold {entries.Count} credentials, more than MaxCredentials {MaxCredentials} (a vault Open refuses); nothing was written: remove a credential first");
        }

        var plaintext = VaultFormat.SerializeEntries(entries);
        try
        {
            var length = VaultFormat.FileLength(plaintext.Length);
            if (length > MaxFileBytes)
            {
                throw new InvalidOperationException(
                    $"vault '{FilePath}' would be {length} bytes, more than MaxFileBytes {MaxFileBytes} (a vault Open refuses); nothing was written: remove a credential first");
            }

            var file = VaultFormat.Encrypt(password, _options.Kdf, plaintext);
            AtomicFile.Write(FilePath, file);
            Kdf = _options.Kdf;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
