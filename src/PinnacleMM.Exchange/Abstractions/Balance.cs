namespace PinnacleMM.Exchange.Abstractions;

/// <summary>One currency balance of the account, as <see cref="IOrderEntryConnector.GetBalancesAsync"/> reports it.</summary>
/// <param name="Currency">The currency code, e.g. <c>BTC</c> or <c>USD</c>.</param>
/// <param name="Total">The whole balance.</param>
/// <param name="Available">What is not held by open orders.</param>
public readonly record struct Balance(string Currency, decimal Total, decimal Available)
{
    /// <summary>What open orders hold: <see cref="Total"/> − <see cref="Available"/>.</summary>
    public decimal Held => Total - Available;
}
