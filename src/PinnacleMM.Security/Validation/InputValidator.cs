using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PinnacleMM.Security.Validation;

/// <summary>
/// Validators for input crossing a public boundary: configuration, connector inputs and order entry.
/// Every method returns a <see cref="ValidationResult"/> naming the field and the broken rule, never
/// throws for any input, and never puts the input value in its message (so a secret pasted into the
/// wrong field is not logged).
/// </summary>
public static class InputValidator
{
    /// <summary>Longest symbol / product id accepted.</summary>
    public const int MaxSymbolLength = 32;

    /// <summary>Longest client order id accepted.</summary>
    public const int MaxClientOrderIdLength = 64;

    /// <summary>Shortest API key accepted.</summary>
    public const int MinApiKeyLength = 8;

    /// <summary>Longest API key (or key name) accepted.</summary>
    public const int MaxApiKeyLength = 512;

    /// <summary>Shortest API secret accepted.</summary>
    public const int MinApiSecretLength = 16;

    /// <summary>Longest API secret (or PEM private key) accepted.</summary>
    public const int MaxApiSecretLength = 8192;

    /// <summary>Default largest configuration file: 1 MiB.</summary>
    public const long DefaultMaxConfigBytes = 1024 * 1024;

    /// <summary>
    /// A symbol or product id such as <c>BTC-USD</c>, <c>BTC/USDT</c> or <c>ETHUSDT</c>: 1 to 32 upper-case
    /// ASCII letters and digits in groups joined by single <c>-</c>, <c>/</c> or <c>_</c>.
    /// </summary>
    /// <param name="value">The symbol.</param>
    /// <param name="field">The field name to report.</param>
    /// <returns>Valid, or invalid with rule <c>required</c>, <c>max-length</c>, <c>charset</c> or <c>format</c>.</returns>
    public static ValidationResult Symbol(string? value, string field = "symbol")
    {
        if (string.IsNullOrEmpty(value))
        {
            return ValidationResult.Invalid(field, "required", $"{field} is required");
        }

        if (value.Length > MaxSymbolLength)
        {
            return ValidationResult.Invalid(field, "max-length", $"{field} must be at most {MaxSymbolLength} characters");
        }

        var previousWasSeparator = true; // a separator may not lead
        foreach (var c in value)
        {
            if (char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c))
            {
                previousWasSeparator = false;
            }
            else if (c is '-' or '/' or '_')
            {
                if (previousWasSeparator)
                {
                    return ValidationResult.Invalid(field, "format", $"{field} must not start with or repeat a separator (- / _)");
                }

                previousWasSeparator = true;
            }
            else
            {
                return ValidationResult.Invalid(field, "charset", $"{field} may contain only A-Z, 0-9 and the separators - / _");
            }
        }

        return previousWasSeparator
            ? ValidationResult.Invalid(field, "format", $"{field} must not end with a separator (- / _)")
            : ValidationResult.Valid;
    }

    /// <summary>A client order id: 1 to 64 of ASCII letters, digits, <c>-</c>, <c>_</c>, <c>:</c>, <c>.</c> (UUIDs fit).</summary>
    /// <param name="value">The id.</param>
    /// <param name="field">The field name to report.</param>
    /// <returns>Valid, or invalid with rule <c>required</c>, <c>max-length</c> or <c>charset</c>.</returns>
    public static ValidationResult ClientOrderId(string? value, string field = "clientOrderId")
    {
        if (string.IsNullOrEmpty(value))
        {
            return ValidationResult.Invalid(field, "required", $"{field} is required");
        }

        if (value.Length > MaxClientOrderIdLength)
        {
            return ValidationResult.Invalid(field, "max-length", $"{field} must be at most {MaxClientOrderIdLength} characters");
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or ':' or '.'))
            {
                return ValidationResult.Invalid(field, "charset", $"{field} may contain only A-Z, a-z, 0-9 and - _ : .");
            }
        }

        return ValidationResult.Valid;
    }

    /// <summary>A price: positive, within [<paramref name="minimum"/>, <paramref name="maximum"/>] and a whole multiple of <paramref name="tickSize"/>.</summary>
    /// <param name="value">The price.</param>
    /// <param name="tickSize">The instrument's tick size; must be positive.</param>
    /// <param name="minimum">The smallest allowed price.</param>
    /// <param name="maximum">The largest allowed price.</param>
    /// <param name="field">The field name to report.</param>
    /// <returns>Valid, or invalid with rule <c>positive</c>, <c>min</c>, <c>max</c> or <c>tick</c> (or on <c>tickSize</c>/<c>limits</c> when the instrument's own numbers are wrong).</returns>
    public static ValidationResult Price(decimal value, decimal tickSize, decimal minimum, decimal maximum, string field = "price") =>
        OnGrid(value, tickSize, minimum, maximum, field, "tickSize", "tick");

    /// <summary>A price given as a <see cref="double"/> (e.g. from a UI): additionally must be finite and representable as <see cref="decimal"/>.</summary>
    /// <param name="value">The price.</param>
    /// <param name="tickSize">The instrument's tick size; must be positive.</param>
    /// <param name="minimum">The smallest allowed price.</param>
    /// <param name="maximum">The largest allowed price.</param>
    /// <param name="field">The field name to report.</param>
    /// <returns>As <see cref="Price(decimal, decimal, decimal, decimal, string)"/>, plus rule <c>finite</c>.</returns>
    public static ValidationResult Price(double value, decimal tickSize, decimal minimum, decimal maximum, string field = "price") =>
        ToDecimal(value, field, out var d) is { IsValid: false } bad ? bad : Price(d, tickSize, minimum, maximum, field);

    /// <summary>A quantity: positive, within [<paramref name="minimum"/>, <paramref name="maximum"/>] and a whole multiple of <paramref name="lotSize"/>.</summary>
    /// <param name="value">The quantity.</param>
    /// <param name="lotSize">The instrument's lot size; must be positive.</param>
    /// <param name="minimum">The smallest allowed quantity.</param>
    /// <param name="maximum">The largest allowed quantity.</param>
    /// <param name="field">The field name to report.</param>
    /// <returns>Valid, or invalid with rule <c>positive</c>, <c>min</c>, <c>max</c> or <c>lot</c>.</returns>
    public static ValidationResult Quantity(decimal value, decimal lotSize, decimal minimum, decimal maximum, string field = "quantity") =>
        OnGrid(value, lotSize, minimum, maximum, field, "lotSize", "lot");

    /// <summary>A quantity given as a <see cref="double"/>: additionally must be finite and representable as <see cref="decimal"/>.</summary>
    /// <param name="value">The quantity.</param>
    /// <param name="lotSize">The instrument's lot size; must be positive.</param>
    /// <param name="minimum">The smallest allowed quantity.</param>
    /// <param name="maximum">The largest allowed quantity.</param>
    /// <param name="field">The field name to report.</param>
    /// <returns>As <see cref="Quantity(decimal, decimal, decimal, decimal, string)"/>, plus rule <c>finite</c>.</returns>
    public static ValidationResult Quantity(double value, decimal lotSize, decimal minimum, decimal maximum, string field = "quantity") =>
        ToDecimal(value, field, out var d) is { IsValid: false } bad ? bad : Quantity(d, lotSize, minimum, maximum, field);

    /// <summary>
    /// Decimal text from configuration or JSON: optional leading digits, optional <c>.</c> and fraction, invariant
    /// culture, no sign, exponent, spaces or thousands separators; at most 40 characters.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The parsed value, or 0.</param>
    /// <param name="field">The field name to report.</param>
    /// <returns>Valid, or invalid with rule <c>required</c>, <c>max-length</c> or <c>format</c>.</returns>
    public static ValidationResult DecimalText(string? text, out decimal value, string field = "value")
    {
        value = 0;
        if (string.IsNullOrEmpty(text))
        {
            return ValidationResult.Invalid(field, "required", $"{field} is required");
        }

        if (text.Length > 40)
        {
            return ValidationResult.Invalid(field, "max-length", $"{field} must be at most 40 characters");
        }

        var digits = 0;
        var dots = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (c == '.')
            {
                dots++;
            }
            else
            {
                digits = -1;
                break;
            }
        }

        if (digits <= 0 || dots > 1 || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value))
        {
            value = 0;
            return ValidationResult.Invalid(field, "format", $"{field} must be a plain decimal number such as 123.45");
        }

        return ValidationResult.Valid;
    }

    /// <summary>The shape of an API key or key name: 8 to 512 printable ASCII characters without spaces.</summary>
    /// <param name="value">The key; never echoed.</param>
    /// <param name="field">The field name to report.</param>
    /// <returns>Valid, or invalid with rule <c>required</c>, <c>min-length</c>, <c>max-length</c> or <c>charset</c>.</returns>
    public static ValidationResult ApiKey(string? value, string field = "apiKey")
    {
        if (string.IsNullOrEmpty(value))
        {
            return ValidationResult.Invalid(field, "required", $"{field} is required");
        }

        if (value.Length < MinApiKeyLength)
        {
            return ValidationResult.Invalid(field, "min-length", $"{field} must be at least {MinApiKeyLength} characters");
        }

        if (value.Length > MaxApiKeyLength)
        {
            return ValidationResult.Invalid(field, "max-length", $"{field} must be at most {MaxApiKeyLength} characters");
        }

        foreach (var c in value)
        {
            if (c is <= ' ' or > '~')
            {
                return ValidationResult.Invalid(field, "charset", $"{field} must be printable ASCII without spaces");
            }
        }

        return ValidationResult.Valid;
    }

    /// <summary>
    /// The shape of an API secret: 16 to 8192 characters that are base64 (standard or URL alphabet, optional
    /// padding), hex, or a PEM block (<c>-----BEGIN ...</c> through <c>-----END ...-----</c>).
    /// </summary>
    /// <param name="value">The secret; never echoed.</param>
    /// <param name="field">The field name to report.</param>
    /// <returns>Valid, or invalid with rule <c>required</c>, <c>min-length</c>, <c>max-length</c>, <c>whitespace</c> or <c>shape</c>.</returns>
    public static ValidationResult ApiSecret(ReadOnlySpan<char> value, string field = "apiSecret")
    {
        if (value.IsEmpty)
        {
            return ValidationResult.Invalid(field, "required", $"{field} is required");
        }

        if (value.Length < MinApiSecretLength)
        {
            return ValidationResult.Invalid(field, "min-length", $"{field} must be at least {MinApiSecretLength} characters");
        }

        if (value.Length > MaxApiSecretLength)
        {
            return ValidationResult.Invalid(field, "max-length", $"{field} must be at most {MaxApiSecretLength} characters");
        }

        if (value.StartsWith("-----BEGIN ", StringComparison.Ordinal))
        {
            var trimmed = value.TrimEnd("\r\n");
            return trimmed.EndsWith("-----", StringComparison.Ordinal) && trimmed.Contains("\n-----END ", StringComparison.Ordinal)
                ? ValidationResult.Valid
                : ValidationResult.Invalid(field, "shape", $"{field} looks like PEM but has no -----END line");
        }

        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            return ValidationResult.Invalid(field, "whitespace", $"{field} has leading or trailing whitespace (a copy-paste error?)");
        }

        var body = value.TrimEnd('=');
        if (value.Length - body.Length > 2)
        {
            return ValidationResult.Invalid(field, "shape", $"{field} must be base64, hex or PEM");
        }

        foreach (var c in body)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '-' or '_'))
            {
                return ValidationResult.Invalid(field, "shape", $"{field} must be base64, hex or PEM");
            }
        }

        return ValidationResult.Valid;
    }

    /// <summary>
    /// An exchange endpoint: an absolute <c>https</c> or <c>wss</c> URL with a valid host, no user info and no
    /// fragment. With <paramref name="allowInsecureLoopback"/>, <c>http</c>/<c>ws</c> are accepted for loopback
    /// hosts only (a local simulator).
    /// </summary>
    /// <param name="value">The URL.</param>
    /// <param name="allowInsecureLoopback">Accept plain <c>http</c>/<c>ws</c> to <c>localhost</c>, 127.0.0.0/8 or ::1.</param>
    /// <param name="field">The field name to report.</param>
    /// <returns>Valid, or invalid with rule <c>required</c>, <c>max-length</c>, <c>absolute-url</c>, <c>scheme</c>, <c>userinfo</c>, <c>host</c> or <c>fragment</c>.</returns>
    public static ValidationResult ExchangeEndpoint(string? value, bool allowInsecureLoopback = false, string field = "endpoint")
    {
        if (string.IsNullOrEmpty(value))
        {
            return ValidationResult.Invalid(field, "required", $"{field} is required");
        }

        if (value.Length > 2048)
        {
            return ValidationResult.Invalid(field, "max-length", $"{field} must be at most 2048 characters");
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.IsFile || uri.IsUnc)
        {
            return ValidationResult.Invalid(field, "absolute-url", $"{field} must be an absolute URL such as wss://host/path");
        }

        var secure = uri.Scheme is "https" or "wss";
        var insecure = uri.Scheme is "http" or "ws";
        if (!secure && !(insecure && allowInsecureLoopback))
        {
            return ValidationResult.Invalid(field, "scheme", $"{field} must use https or wss");
        }

        if (uri.UserInfo.Length > 0)
        {
            return ValidationResult.Invalid(field, "userinfo", $"{field} must not contain a user name or password");
        }

        if (uri.Fragment.Length > 0)
        {
            return ValidationResult.Invalid(field, "fragment", $"{field} must not contain a #fragment");
        }

        if (!HostName(uri.IdnHost, field).IsValid)
        {
            return ValidationResult.Invalid(field, "host", $"{field} must name a valid host");
        }

        if (insecure && !uri.IsLoopback)
        {
            return ValidationResult.Invalid(field, "scheme", $"{field} must use https or wss (plain http/ws is allowed only for loopback)");
        }

        return ValidationResult.Valid;
    }

    /// <summary>A host: an IPv4/IPv6 literal or a DNS name of at most 253 characters in labels of 1 to 63 letters, digits and inner hyphens.</summary>
    /// <param name="value">The host name.</param>
    /// <param name="field">The field name to report.</param>
    /// <returns>Valid, or invalid with rule <c>required</c>, <c>max-length</c> or <c>hostname</c>.</returns>
    public static ValidationResult HostName(string? value, string field = "host")
    {
        if (string.IsNullOrEmpty(value))
        {
            return ValidationResult.Invalid(field, "required", $"{field} is required");
        }

        if (value.Length > 253)
        {
            return ValidationResult.Invalid(field, "max-length", $"{field} must be at most 253 characters");
        }

        var literal = value.StartsWith('[') && value.EndsWith(']') ? value[1..^1] : value;
        if (IPAddress.TryParse(literal, out var address) && (address.AddressFamily == AddressFamily.InterNetworkV6 || IsDottedQuad(literal)))
        {
            return ValidationResult.Valid;
        }

        var labels = value.TrimEnd('.').Split('.');
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return ValidationResult.Invalid(field, "hostname", $"{field} must be an IP address or a DNS name of labels of 1-63 letters, digits and inner hyphens");
            }

            foreach (var c in label)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-'))
                {
                    return ValidationResult.Invalid(field, "hostname", $"{field} must be an IP address or a DNS name of labels of 1-63 letters, digits and inner hyphens");
                }
            }
        }

        return char.IsAsciiDigit(labels[^1][0])
            ? ValidationResult.Invalid(field, "hostname", $"{field} looks like a malformed IP address")
            : ValidationResult.Valid;
    }

    /// <summary>A TCP port: 1 to 65535.</summary>
    /// <param name="value">The port.</param>
    /// <param name="field">The field name to report.</param>
    /// <returns>Valid, or invalid with rule <c>range</c>.</returns>
    public static ValidationResult Port(int value, string field = "port") =>
        value is >= 1 and <= 65535 ? ValidationResult.Valid : ValidationResult.Invalid(field, "range", $"{field} must be between 1 and 65535");

    /// <summary>
    /// A relative path that must stay inside <paramref name="dataDirectory"/>: no absolute path, no <c>..</c>
    /// escape, no NUL, and no existing symbolic link along the way that leads outside the (resolved) data directory.
    /// </summary>
    /// <param name="dataDirectory">The data directory (absolute or relative to the current directory).</param>
    /// <param name="path">The path to check, relative to the data directory.</param>
    /// <param name="fullPath">The resolved full path when valid; otherwise null.</param>
    /// <param name="field">The field name to report.</param>
    /// <returns>Valid, or invalid with rule <c>required</c>, <c>max-length</c>, <c>charset</c>, <c>absolute</c>, <c>escape</c>, <c>symlink-escape</c> or <c>inaccessible</c>.</returns>
    public static ValidationResult PathWithin(string dataDirectory, string? path, out string? fullPath, string field = "path")
    {
        fullPath = null;
        if (string.IsNullOrEmpty(dataDirectory))
        {
            return ValidationResult.Invalid("dataDirectory", "required", "dataDirectory is required");
        }

        if (string.IsNullOrEmpty(path))
        {
            return ValidationResult.Invalid(field, "required", $"{field} is required");
        }

        if (path.Length > 4096)
        {
            return ValidationResult.Invalid(field, "max-length", $"{field} must be at most 4096 characters");
        }

        if (path.Contains('\0', StringComparison.Ordinal) || dataDirectory.Contains('\0', StringComparison.Ordinal))
        {
            return ValidationResult.Invalid(field, "charset", $"{field} must not contain NUL characters");
        }

        if (Path.IsPathRooted(path) || path.StartsWith('~'))
        {
            return ValidationResult.Invalid(field, "absolute", $"{field} must be relative to the data directory");
        }

        try
        {
            var root = ResolveDirectory(Path.GetFullPath(dataDirectory));
            var candidate = Path.GetFullPath(Path.Combine(root, path));
            if (!IsUnder(root, candidate))
            {
                return ValidationResult.Invalid(field, "escape", $"{field} must stay inside the data directory");
            }

            // Walk every existing component: a link anywhere may point outside.
            var current = root;
            foreach (var part in Path.GetRelativePath(root, candidate).Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
            {
                if (part == ".")
                {
                    continue;
                }

                current = Path.Combine(current, part);
                FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
                if (!info.Exists || info.LinkTarget is null)
                {
                    continue;
                }

                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                if (target is null || !IsUnder(root, ResolveDirectory(target.FullName)))
                {
                    return ValidationResult.Invalid(field, "symlink-escape", $"{field} goes through a symbolic link that leads outside the data directory");
                }
            }

            fullPath = candidate;
            return ValidationResult.Valid;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            return ValidationResult.Invalid(field, "inaccessible", $"{field} cannot be resolved inside the data directory");
        }
    }

    /// <summary>A configuration payload size: more than 0 and at most <paramref name="maxBytes"/> bytes.</summary>
    /// <param name="sizeBytes">The size in bytes.</param>
    /// <param name="maxBytes">The largest size accepted (default 1 MiB).</param>
    /// <param name="field">The field name to report.</param>
    /// <returns>Valid, or invalid with rule <c>empty</c> or <c>max-size</c>.</returns>
    public static ValidationResult ConfigSize(long sizeBytes, long maxBytes = DefaultMaxConfigBytes, string field = "config")
    {
        if (sizeBytes <= 0)
        {
            return ValidationResult.Invalid(field, "empty", $"{field} is empty");
        }

        return sizeBytes > maxBytes
            ? ValidationResult.Invalid(field, "max-size", $"{field} must be at most {maxBytes} bytes")
            : ValidationResult.Valid;
    }

    private static ValidationResult OnGrid(decimal value, decimal step, decimal minimum, decimal maximum, string field, string stepField, string stepRule)
    {
        if (step <= 0)
        {
            return ValidationResult.Invalid(stepField, "positive", $"{stepField} must be positive");
        }

        if (minimum > maximum)
        {
            return ValidationResult.Invalid(field, "limits", $"the minimum of {field} is above its maximum");
        }

        if (value <= 0)
        {
            return ValidationResult.Invalid(field, "positive", $"{field} must be positive");
        }

        if (value < minimum)
        {
            return ValidationResult.Invalid(field, "min", $"{field} must be at least {minimum.ToString(CultureInfo.InvariantCulture)}");
        }

        if (value > maximum)
        {
            return ValidationResult.Invalid(field, "max", $"{field} must be at most {maximum.ToString(CultureInfo.InvariantCulture)}");
        }

        return value % step == 0
            ? ValidationResult.Valid
            : ValidationResult.Invalid(field, stepRule, $"{field} must be a multiple of the {stepRule} size {step.ToString(CultureInfo.InvariantCulture)}");
    }

    private static ValidationResult ToDecimal(double value, string field, out decimal result)
    {
        result = 0;
        if (!double.IsFinite(value))
        {
            return ValidationResult.Invalid(field, "finite", $"{field} must be a finite number");
        }

        if (Math.Abs(value) >= 7.9e28)
        {
            return ValidationResult.Invalid(field, "max", $"{field} is too large");
        }

        result = (decimal)value;
        return ValidationResult.Valid;
    }

    private static bool IsDottedQuad(string value) => value.Count(c => c == '.') == 3;

    private static bool IsUnder(string root, string candidate)
    {
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var rootWithSeparator = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return string.Equals(candidate.TrimEnd(Path.DirectorySeparatorChar), root.TrimEnd(Path.DirectorySeparatorChar), comparison)
            || candidate.StartsWith(rootWithSeparator, comparison);
    }

    /// <summary>The directory with any symbolic links in its own path resolved, so comparisons use real locations.</summary>
    private static string ResolveDirectory(string path)
    {
        var info = new DirectoryInfo(path);
        if (info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
        {
            return Path.GetFullPath(target.FullName);
        }

        var parent = Path.GetDirectoryName(path);
        return parent is null ? path : Path.Combine(ResolveDirectory(parent), Path.GetFileName(path));
    }
}
