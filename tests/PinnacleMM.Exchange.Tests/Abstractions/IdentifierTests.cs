using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Tests.Abstractions;

[TestClass]
public sealed class IdentifierTests
{
    [TestMethod]
    public void Numeric_venue_ids_round_trip()
    {
        Prop.ForAll<long>(id =>
        {
            var venueId = VenueOrderId.FromInt64(id);
            return venueId.TryGetInt64(out var back) && back == id && venueId.ToString() == id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }).QuickCheckThrowOnFailure();
    }

    [TestMethod]
    public void A_uuid_venue_id_is_not_numeric()
    {
        var uuid = Guid.Parse("1f3a5c7e-0000-4000-8000-00000000002a");
        var venueId = new VenueOrderId(uuid);
        Assert.IsFalse(venueId.TryGetInt64(out _));
        Assert.AreEqual("1f3a5c7e-0000-4000-8000-00000000002a", venueId.ToString());
        Assert.IsTrue(VenueOrderId.None.IsNone);
    }

    [TestMethod]
    public void Client_order_ids_are_valid_only_when_positive()
    {
        Assert.IsTrue(new ClientOrderId(1).IsValid);
        Assert.IsFalse(new ClientOrderId(0).IsValid);
        Assert.IsFalse(new ClientOrderId(-4).IsValid);
        Assert.IsTrue(ClientOrderId.None.IsNone);
    }

    [TestMethod]
    public void Order_command_factories_set_kind_and_fields()
    {
        var id = new InstrumentId(1);
        var place = OrderCommand.Place(id, new ClientOrderId(7), Side.Buy, new Price(100), new Quantity(3), postOnly: true, createdNanoseconds: 11);
        Assert.AreEqual(OrderCommandKind.Place, place.Kind);
        Assert.AreEqual(OrderType.Limit, place.Type);
        Assert.IsTrue(place.PostOnly);
        Assert.AreEqual(11, place.CreatedNanoseconds);

        var market = OrderCommand.PlaceMarket(id, new ClientOrderId(8), Side.Sell, new Quantity(2));
        Assert.AreEqual(OrderType.Market, market.Type);
        Assert.AreEqual(TimeInForce.ImmediateOrCancel, market.TimeInForce);

        var amend = OrderCommand.Amend(id, new ClientOrderId(7), new Price(101), new Quantity(2));
        Assert.AreEqual((OrderCommandKind.Amend, new Price(101), new Quantity(2)), (amend.Kind, amend.Price, amend.Quantity));
        Assert.AreEqual(OrderCommandKind.Cancel, OrderCommand.Cancel(id, new ClientOrderId(7)).Kind);
        Assert.AreEqual(InstrumentId.None, OrderCommand.CancelAll(InstrumentId.None).Instrument);
    }
}
