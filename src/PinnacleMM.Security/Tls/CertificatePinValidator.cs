using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PinnacleMM.Security.Audit;

namespace PinnacleMM.Security.Tls;

/// <summary>
/// Validates TLS server certificates: normal chain validation (system trust store, or the configured custom roots
/// with <see cref="X509ChainTrustMode.CustomRootTrust"/>) and host-name match first, then the host's
/// <see cref="PinSet"/>: some certificate of the validated chain must have a pinned SubjectPublicKeyInfo hash.
/// A refusal throws <see cref="CertificatePinningException"/> (naming the host, the expected and the presented
/// pins), which fails the connection, and writes an audit event. Plug it into <see cref="SocketsHttpHandler"/> and
/// <see cref="ClientWebSocketOptions"/> with <see cref="Configure(SocketsHttpHandler)"/> /
/// <see cref="Configure(ClientWebSocketOptions)"/>. Thread-safe.
/// </summary>
public sealed class CertificatePinValidator
{
    /// <summary>Audit event type of a refused certificate whose chain validated but matched no pin.</summary>
    public const string PinMismatchEventType = "tls.pin-mismatch";

    /// <summary>Audit event type of a refused certificate whose chain or host name did not validate.</summary>
    public const string ChainInvalidEventType = "tls.chain-invalid";

    /// <summary>Audit event type of a connection to a host whose pin set has expired.</summary>
    public const string PinSetExpiredEventType = "tls.pin-set-expired";

    private const string Actor = "certificate-pin-validator";
    private const string Source = "PinnacleMM.Security";

    private readonly Dictionary<string, PinSet> _pinSets;
    private readonly CertificatePinningOptions _options;
    private readonly IAuditLog? _audit;
    private readonly TimeProvider _time;

    /// <summary>Creates the validator.</summary>
    /// <param name="options">Pin sets and chain settings; validated here and copied (later changes to the lists are ignored).</param>
    /// <param name="audit">Where refusals and expired pin sets are recorded; null for nowhere.</param>
    /// <param name="timeProvider">The clock for pin-set expiry and chain validation time; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names the field and the rule.</exception>
    public CertificatePinValidator(CertificatePinningOptions options, IAuditLog? audit = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate().ThrowIfInvalid();
        _options = new CertificatePinningOptions { RequirePinForEveryHost = options.RequirePinForEveryHost, RevocationMode = options.RevocationMode };
        foreach (var root in options.CustomTrustRoots)
        {
            _options.CustomTrustRoots.Add(root);
        }

        _pinSets = new Dictionary<string, PinSet>(StringComparer.OrdinalIgnoreCase);
        foreach (var set in options.PinSets)
        {
            _pinSets[set.Host.TrimEnd('.')] = new PinSet
            {
                Host = set.Host,
                Pins = [.. set.Pins],
                BackupPins = [.. set.BackupPins ?? []],
                ExpiresUtc = set.ExpiresUtc,
                WhenExpired = set.WhenExpired,
            };
        }

        _audit = audit;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The base64 SHA-256 of a certificate's DER SubjectPublicKeyInfo: the value to put in a <see cref="PinSet"/>.</summary>
    /// <param name="certificate">The certificate.</param>
    /// <returns>44 base64 characters.</returns>
    public static string ComputeSpkiPin(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToBase64String(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>Installs the validator as the handler's server-certificate callback.</summary>
    /// <param name="handler">The handler; its existing callback is replaced.</param>
    public void Configure(SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        handler.SslOptions.RemoteCertificateValidationCallback = ValidateCallback;
    }

    /// <summary>Installs the validator as the WebSocket's server-certificate callback (for <c>wss</c>).</summary>
    /// <param name="options">The options of a <see cref="ClientWebSocket"/> before it connects.</param>
    public void Configure(ClientWebSocketOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.RemoteCertificateValidationCallback = ValidateCallback;
    }

    /// <summary>
    /// A <see cref="RemoteCertificateValidationCallback"/>: the host is the <see cref="SslStream.TargetHostName"/>
    /// of the sender (always an <see cref="SslStream"/> for <see cref="SocketsHttpHandler"/> and <see cref="ClientWebSocket"/>).
    /// </summary>
    /// <param name="sender">The <see cref="SslStream"/>.</param>
    /// <param name="certificate">The server certificate.</param>
    /// <param name="chain">The chain the platform built.</param>
    /// <param name="sslPolicyErrors">The platform's verdict.</param>
    /// <returns>True when accepted.</returns>
    /// <exception cref="CertificatePinningException">Refused: the connection fails with this as its cause.</exception>
    public bool ValidateCallback(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors sslPolicyErrors)
    {
        var host = (sender as SslStream)?.TargetHostName;
        if (string.IsNullOrEmpty(host))
        {
            throw Refuse("(unknown)", ChainInvalidEventType, "the callback was not called by an SslStream, so the host is unknown; call Validate with the host instead", []);
        }

        Validate(host, certificate, chain, sslPolicyErrors);
        return true;
    }

    /// <summary>Validates a server certificate for <paramref name="host"/>; returns normally when it is accepted.</summary>
    /// <param name="host">The host name the client connected to.</param>
    /// <param name="certificate">The server certificate; null is refused.</param>
    /// <param name="chain">The chain the platform built (its extra certificates help build ours); may be null.</param>
    /// <param name="sslPolicyErrors">The platform's verdict; a name mismatch or missing certificate is always refused, chain errors only when the system store is used.</param>
    /// <exception cref="CertificatePinningException">The chain or host name is invalid, no certificate matches the host's pins, or its pin set expired under <see cref="ExpiredPinSetPolicy.Refuse"/>.</exception>
    public void Validate(string host, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors sslPolicyErrors)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        host = host.TrimEnd('.');
        if (certificate is null || (sslPolicyErrors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            throw Refuse(host, ChainInvalidEventType, "the server presented no certificate", []);
        }

        if ((sslPolicyErrors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            throw Refuse(host, ChainInvalidEventType, "the certificate is not issued for this host name", []);
        }

        using var leaf = new X509Certificate2(certificate);
        var validated = BuildChain(leaf, chain, sslPolicyErrors, out var chainError);
        try
        {
            if (chainError is not null)
            {
                throw Refuse(host, ChainInvalidEventType, $"the certificate chain is not valid ({chainError})", []);
            }

            CheckPins(host, validated!);
        }
        finally
        {
            if (validated is not null && !ReferenceEquals(validated, chain))
            {
                foreach (var element in validated.ChainElements)
                {
                    element.Certificate.Dispose();
                }

                validated.Dispose();
            }
        }
    }

    private X509Chain? BuildChain(X509Certificate2 leaf, X509Chain? platformChain, SslPolicyErrors errors, out string? error)
    {
        error = null;
        if (_options.CustomTrustRoots.Count == 0)
        {
            if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0 || platformChain is null)
            {
                error = platformChain is null ? "no chain was built" : DescribeStatus(platformChain);
                return null;
            }

            return platformChain;
        }

        // Our own chain against the configured roots only: the platform's chain error (unknown root) is expected here.
        var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_options.CustomTrustRoots.ToArray());
        custom.ChainPolicy.RevocationMode = _options.RevocationMode;
        custom.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        custom.ChainPolicy.VerificationTimeIgnored = false;
        if (platformChain is not null)
        {
            foreach (var element in platformChain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (!custom.Build(leaf))
        {
            error = DescribeStatus(custom);
            foreach (var element in custom.ChainElements)
            {
                element.Certificate.Dispose();
            }

            custom.Dispose();
            return null;
        }

        return custom;
    }

    private static string DescribeStatus(X509Chain chain)
    {
        var statuses = chain.ChainStatus.Where(s => s.Status != X509ChainStatusFlags.NoError).Select(s => s.Status.ToString()).Distinct();
        var text = string.Join(", ", statuses);
        return text.Length == 0 ? "untrusted" : text;
    }

    private void CheckPins(string host, X509Chain validated)
    {
        if (!_pinSets.TryGetValue(host, out var set))
        {
            if (_options.RequirePinForEveryHost)
            {
                throw Refuse(host, PinMismatchEventType, "no pin set is configured for this host and pins are required for every host", Presented(validated));
            }

            return;
        }

        var presented = Presented(validated);
        if (set.ExpiresUtc is { } expires && _time.GetUtcNow() >= expires)
        {
            var details = new Dictionary<string, string> { ["expiredUtc"] = expires.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture), ["policy"] = set.WhenExpired.ToString() };
            if (set.WhenExpired == ExpiredPinSetPolicy.Refuse)
            {
                throw Refuse(host, PinSetExpiredEventType, $"its pin set expired at {details["expiredUtc"]} and the policy is Refuse; renew the pins (expected {Describe(set)})", presented);
            }

            _audit?.TryWrite(new AuditEvent(PinSetExpiredEventType, Actor, Source, host, AuditOutcome.Info, details));
            return;
        }

        foreach (var pin in presented)
        {
            if (set.Pins.Contains(pin, StringComparer.Ordinal) || set.BackupPins.Contains(pin, StringComparer.Ordinal))
            {
                return;
            }
        }

        throw Refuse(host, PinMismatchEventType, $"no certificate in its chain matches the pins: expected {Describe(set)}", presented);
    }

    private static List<string> Presented(X509Chain chain) => [.. chain.ChainElements.Select(e => ComputeSpkiPin(e.Certificate))];

    private static string Describe(PinSet set) =>
        set.BackupPins.Count == 0 ? $"one of [{string.Join(", ", set.Pins)}]" : $"one of [{string.Join(", ", set.Pins)}] or backup [{string.Join(", ", set.BackupPins)}]";

    private CertificatePinningException Refuse(string host, string eventType, string why, List<string> presented)
    {
        var message = $"TLS certificate of host '{host}' refused: {why}; the server presented SPKI pins [{string.Join(", ", presented)}]";
        _audit?.TryWrite(new AuditEvent(eventType, Actor, Source, host, AuditOutcome.Denied, new Dictionary<string, string>
        {
            ["reason"] = why,
            ["presentedPins"] = string.Join(",", presented),
        }));
        return new CertificatePinningException(host, message);
    }
}
