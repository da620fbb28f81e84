using PinnacleMM.Exchange.Coinbase.Sync;
using PinnacleMM.Security.Validation;

namespace PinnacleMM.Exchange.Coinbase.WebSockets;

/// <summary>Where and how <see cref="CoinbaseFeedClient"/> connects. <see cref="Validate"/> names the first bad setting.</summary>
public sealed class CoinbaseFeedClientOptions
{
    /// <summary>The feed's address: <c>wss://</c> (plain <c>ws://</c> only to a loopback host with <see cref="AllowInsecureLoopback"/>). Required.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Accept <c>ws://</c> to <c>localhost</c>/127.0.0.0/8/::1 (a local test server). Default false.</summary>
    public bool AllowInsecureLoopback { get; set; }

    /// <summary>The first reconnect delay's upper bound, at most 1 hour. Default 1 s.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The cap on reconnect delays: at least <see cref="InitialBackoff"/>, at most 1 hour. Default 30 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A connection that lasted this long resets the backoff; at most 1 day. Default 60 s.</summary>
    public TimeSpan StablePeriod { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long opening a connection may take; at most 10 minutes. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the silences and snapshot waits are checked; at most 1 minute. Default 250 ms.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The largest message accepted; a larger one closes the connection (the receive buffer never grows past it). Default 32 MiB, room for a full level2 snapshot.</summary>
    public int MaxMessageBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>The silence and snapshot timeouts.</summary>
    public CoinbaseSyncOptions Sync { get; set; } = new();

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting breaks its rule; the message names it.</exception>
    public void Validate()
    {
        if (Endpoint is not null && Endpoint.IsAbsoluteUri && Endpoint.Scheme is "ws" or "wss")
        {
            // The Security validator's rules: wss only (ws to loopback when allowed), a valid host, no user info or fragment.
            InputValidator.ExchangeEndpoint(Endpoint.OriginalString, AllowInsecureLoopback, nameof(Endpoint)).ThrowIfInvalid();
        }
        else
        {
            throw new ArgumentException($"Endpoint '{Endpoint}' must be an absolute ws:// or wss:// URI.", nameof(Endpoint));
        }

        Within(InitialBackoff, nameof(InitialBackoff), TimeSpan.FromHours(1), "1 hour");
        Within(StablePeriod, nameof(StablePeriod), TimeSpan.FromDays(1), "1 day");
        Within(ConnectTimeout, nameof(ConnectTimeout), TimeSpan.FromMinutes(10), "10 minutes");
        Within(CheckInterval, nameof(CheckInterval), TimeSpan.FromMinutes(1), "1 minute");
        if (MaxBackoff < InitialBackoff || MaxBackoff > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBackoff), MaxBackoff, $"MaxBackoff {MaxBackoff} must be at least InitialBackoff {InitialBackoff} and at most 1 hour.");
        }

        if (MaxMessageBytes < 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMessageBytes), MaxMessageBytes, $"MaxMessageBytes {MaxMessageBytes} must be at least 4096.");
        }

        ArgumentNullException.ThrowIfNull(Sync, nameof(Sync));
        Sync.Validate();
    }

    private static void Within(TimeSpan value, string name, TimeSpan max, string maxText)
    {
        if (value <= TimeSpan.Zero || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} {value} must be positive and at most {maxText}.");
        }
    }
}
