using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Tests.Abstractions;

[TestClass]
public sealed class ConnectionStateTests
{
    [TestMethod]
    public void States_are_ordered_from_disconnected_to_synced()
    {
        CollectionAssert.AreEqual(
            new[] { ConnectionState.Disconnected, ConnectionState.Connecting, ConnectionState.Syncing, ConnectionState.Synced },
            Enum.GetValues<ConnectionState>());
    }
}
