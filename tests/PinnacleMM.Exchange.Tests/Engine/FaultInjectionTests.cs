using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Execution;
using PinnacleMM.Persistence.Journal;
using PinnacleMM.Exchange.Tests.Simulator;

namespace PinnacleMM.Exchange.Tests.Engine;

[TestClass]
public sealed class FaultInjectionTests
{
    private static async Task<(EngineRun Run, FaultyVenue Venue)> StartAsync(long seed, Action<FaultyVenue> configure)
    {
        FaultyVenue? venue = null;
        var run = await EngineRun.StartInlineAsync(seed, wrap: simulator =>
        {
            venue = new FaultyVenue(simulator);
            configure(venue);
            return (venue, venue);
        });
        return (run, venue!);
    }

    /// <summary>After a stop: no order open on either side, and the position and cash are the venue's.</summary>
    private static async Task AssertNoOrphansAndRightPositionAsync(EngineRun run)
    {
        await run.StopAsync();
        Assert.AreEqual(0, run.Engine.Orders.Tracker.OpenCount, "no order left in our books");
        Assert.AreEqual(0, (await run.VenueOpenOrdersAsync()).Count, "no orphan at the venue");
        var position = run.Strategy.Position;
        Assert.AreEqual(await run.VenuePositionLotsAsync(), position.PositionLots, "position = venue");
        var mark = new Price(10_000);
        Assert.AreEqual(await run.VenueQuoteChangeAsync() + (position.Position * SimulatorTestKit.Instrument.ToDecimal(mark)), position.Equity(mark), "cash = venue");
    }

    [TestMethod]
    public async Task Venue_rejecting_every_third_order_leaves_no_orphan_and_a_correct_position()
    {
        var (run, venue) = await StartAsync(51, v => v.RejectEveryNthPlace = 3);
        await using (run)
        {
            run.Simulator.RunFor(TimeSpan.FromSeconds(15));
            Assert.IsTrue(run.Engine.Orders.VenueRejectionCount(RejectReason.VenueRejected) > 0);
            Assert.IsTrue(run.Strategy.Position.FillCount > 0);
            await AssertNoOrphansAndRightPositionAsync(run);
        }
    }

    [TestMethod]
    public async Task A_venue_answering_from_inside_the_send_is_heard_after_the_decision_that_sent_the_command()
    {
        // Inline, the answer arrives on the engine's own thread in the middle of the decision that is handing the
        // command over. It must wait for that decision to finish: the venue receives exactly the commands decided,
        // and the journal holds each command before the answer to it.
        var directory = TempDirectory.Create();
        FaultyVenue? venue = null;
        var run = await EngineRun.StartInlineAsync(53, directory, wrap: simulator =>
        {
            venue = new FaultyVenue(simulator) { RejectEveryNthPlace = 2, AnswerInsideSend = true };
            return (venue, venue);
        });
        await using (run)
        {
            run.Simulator.RunFor(TimeSpan.FromSeconds(15));
            Assert.IsNull(run.Engine.Fault);
            Assert.IsTrue(venue!.AnsweredInsideSend >= 5, $"answered inside the send: {venue.AnsweredInsideSend}");
            Assert.AreEqual(venue.AnsweredInsideSend, run.Engine.Orders.VenueRejectionCount(RejectReason.VenueRejected), "every answer applied once");
            await AssertNoOrphansAndRightPositionAsync(run);

            var sent = new List<string>();
            var sentIds = new HashSet<long>();
            using (var reader = JournalReader.Open(Path.Combine(directory, "SIM-USD", "journal")))
            {
                while (reader.TryRead(out var record))
                {
                    if (record.Type < JournalRecordType.ApplicationBase || record.Type == EngineRecordTypes.MarketEvent || !EngineRecordCodec.TryDecodeActivity(record.Type, record.Payload, out var activity))
                    {
                        continue;
                    }

                    if (activity.Kind == OrderActivityKind.CommandSent)
                    {
                        sent.Add($"{activity.Command.Kind} {activity.Command.ClientOrderId.Value} {activity.Command.Price.Ticks} {activity.Command.Quantity.Lots}");
                        sentIds.Add(activity.Command.ClientOrderId.Value);
                    }
                    else if (activity.Kind == OrderActivityKind.ExecutionReceived && activity.Execution.Kind == ExecutionEventKind.Rejected)
                    {
                        Assert.IsTrue(sentIds.Contains(activity.Execution.ClientOrderId.Value), $"the rejection of {activity.Execution.ClientOrderId.Value} was journaled before its command");
                    }
                }
            }

            CollectionAssert.AreEqual(
                venue.Received.Select(c => $"{c.Kind} {c.ClientOrderId.Value} {c.Price.Ticks} {c.Quantity.Lots}").ToArray(),
                sent.ToArray(),
                "the venue received exactly the commands journaled as sent, in the same order");
        }

        TempDirectory.Delete(directory);
    }

    [TestMethod]
    public async Task Delayed_acks_overtaken_by_fills_and_repeated_fills_are_applied_once()
    {
        var (run, venue) = await StartAsync(52, v =>
        {
            v.HoldAcksForEvents = 150;
            v.DuplicateFills = true;
        });
        await using (run)
        {
            run.Simulator.RunFor(TimeSpan.FromSeconds(15));
            Assert.IsTrue(venue.FillsBeforeAck > 0, "some fills overtook their acknowledgement");
            Assert.IsTrue(run.Engine.Orders.Tracker.DuplicateCount > 0, "repeated fills were recognised");
            await AssertNoOrphansAndRightPositionAsync(run);
        }
    }

    [TestMethod]
    public async Task Lost_connection_refuses_commands_while_down_and_catches_up_after_the_reconnect()
    {
        var (run, venue) = await StartAsync(53, _ => { });
        await using (run)
        {
            run.Simulator.RunFor(TimeSpan.FromSeconds(5));
            venue.GoDown();
            run.Simulator.RunFor(TimeSpan.FromSeconds(3));
            Assert.IsTrue(run.Engine.Orders.RefusalCount(OrderRefusalReason.NotConnected) > 0, "commands were refused while down");
            Assert.AreEqual(0, venue.Dropped.Count, "the engine sent nothing into the dead connection");
            venue.ComeBack();
            run.Simulator.RunFor(TimeSpan.FromSeconds(5));
            Assert.IsTrue(run.Engine.Orders.IsConnected);
            await AssertNoOrphansAndRightPositionAsync(run);
        }
    }

    [TestMethod]
    public async Task Lost_orders_time_out_are_found_unknown_at_the_venue_and_closed_as_rejected()
    {
        var (run, venue) = await StartAsync(54, v => v.DropNextPlaces = 2);
        await using (run)
        {
            run.Simulator.RunFor(TimeSpan.FromSeconds(5));
            Assert.AreEqual(2, venue.Dropped.Count);
            foreach (var id in venue.Dropped)
            {
                Assert.IsTrue(run.Engine.Orders.Tracker.TryGet(id, out var order));
                Assert.AreEqual(OrderState.Rejected, order.State, $"order {id} never reached the venue: its timeout cancel was answered unknown");
            }

            await AssertNoOrphansAndRightPositionAsync(run);
        }
    }
}
