using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Coinbase.Sync;

/// <summary>A product's sync state changed.</summary>
/// <param name="ProductIndex">The product's index in the books.</param>
/// <param name="State">The new state; quote the product only while it is <see cref="ConnectionState.Synced"/>.</param>
/// <param name="Trouble">What caused the change, <see cref="CoinbaseSyncTrouble.None"/> for normal progress.</param>
/// <param name="Detail">The decoder's or venue's message when there was one.</param>
public readonly record struct CoinbaseProductStateChange(int ProductIndex, ConnectionState State, CoinbaseSyncTrouble Trouble, string? Detail);
