using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Risk;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Execution;

namespace PinnacleMM.Exchange.Tests.Execution;

/// <summary>What the tick-to-quote path of the order manager does for speed keeps the rules.</summary>
[TestClass]
public sealed class HotPathTests
{
    [TestMethod]
    public void Every_command_of_a_reconcile_is_sent_before_any_is_recorded_and_the_records_keep_the_order()
    {
        var log = new List<string>();
        var strategy = new ScriptedStrategy(OmsHarness.Instrument, new Core.Time.ManualMonotonicClock(1_000));
        var manager = new OrderManager(OmsHarness.Id, strategy, new PreTradeRisk(new RiskLimits { PriceBandBps = 0, MaxOrderLots = 6 }), new LoggingCommands(log), activity: new LoggingActivity(log));
        strategy.Script((Side.Buy, 10_000, 5), (Side.Buy, 9_999, 7), (Side.Sell, 10_010, 5));
        Assert.AreEqual(2, manager.Requote());
        CollectionAssert.AreEqual(
            new[] { "send Place 1", "send Place 2", "record CommandSent 1", "record CommandRefused 2", "record CommandSent 2" },
            log.ToArray(),
            string.Join(", ", log) + ": both places out first; the records in the order the actions were taken (the 7-lot bid is refused by risk between them; its id is not used up)");

        // Outside a reconcile (a manual order), the record follows its command at once.
        log.Clear();
        Assert.IsTrue(manager.PlaceOrder(Side.Buy, 90m, 0.005m).IsSent);
        CollectionAssert.AreEqual(new[] { "send Place 3", "record CommandSent 3" }, log.ToArray());
    }

    [TestMethod]
    public void A_reconcile_and_a_cancel_of_everything_each_hand_their_commands_over_in_one_batch()
    {
        var log = new List<string>();
        var strategy = new ScriptedStrategy(OmsHarness.Instrument, new Core.Time.ManualMonotonicClock(1_000));
        var manager = new OrderManager(OmsHarness.Id, strategy, new PreTradeRisk(new RiskLimits { PriceBandBps = 0 }), new BatchLoggingCommands(log), activity: new LoggingActivity(log));
        strategy.Script((Side.Buy, 10_000, 5), (Side.Buy, 9_999, 5), (Side.Sell, 10_010, 5));
        Assert.AreEqual(3, manager.Requote(triggerNanoseconds: 777));
        CollectionAssert.AreEqual(
            new[] { "batch@777 Place 1, Place 2, Place 3", "record CommandSent 1", "record CommandSent 2", "record CommandSent 3" },
            log.ToArray());

        // A manual order goes out alone; a cancel of everything is one batch again (the manual order included).
        log.Clear();
        Assert.IsTrue(manager.PlaceOrder(Side.Sell, 101m, 0.005m).IsSent);
        Assert.AreEqual(4, manager.CancelAll());
        CollectionAssert.AreEqual(
            new[] { "send@0 Place 4", "record CommandSent 4", "batch@0 Cancel 1, Cancel 2, Cancel 3, Cancel 4", "record CommandSent 1", "record CommandSent 2", "record CommandSent 3", "record CommandSent 4" },
            log.ToArray());

        // Nothing to do: no batch at all.
        log.Clear();
        Assert.AreEqual(0, manager.CancelAll());
        Assert.AreEqual(0, log.Count, string.Join(", ", log));
    }

    [TestMethod]
    public void An_amend_counts_its_larger_size_against_the_position_limit_for_the_actions_after_it()
    {
        var h = new OmsHarness(new RiskLimits { PriceBandBps = 0, MaxPositionLots = 9 });
        h.Strategy.Script((Side.Buy, 10_000, 4), (Side.Buy, 9_990, 4));
        Assert.AreEqual(2, h.Manager.Requote());
        foreach (var place in h.Commands.Sent.ToArray())
        {
            h.Manager.OnExecutionEvent(h.Ack(place, 900 + place.ClientOrderId.Value));
        }

        // Both move up a tick and grow to 5 lots: the first fits (4 others + 5 = 9), the second would not
        // (5 others, the pending amend's new size, + 5 = 10).
        h.Strategy.Script((Side.Buy, 10_001, 5), (Side.Buy, 9_991, 5));
        Assert.AreEqual(1, h.Manager.Requote());
        var amend = h.Commands.Sent[^1];
        Assert.AreEqual(OrderCommandKind.Amend, amend.Kind);
        Assert.AreEqual(1, h.Manager.RiskRefusalCount(RiskRejectReason.Position));
        h.Manager.Tracker.GetOpenLots(out var buy, out _);
        Assert.AreEqual(9, buy, "the tracker counts the same: 5 (pending amend) + 4");
    }

    private sealed class LoggingCommands(List<string> log) : IOrderCommandSink
    {
        public void Send(in OrderCommand command, long triggerNanoseconds) => log.Add($"send {command.Kind} {command.ClientOrderId.Value}");
    }

    private sealed class BatchLoggingCommands(List<string> log) : IOrderCommandSink
    {
        public void Send(in OrderCommand command, long triggerNanoseconds) => log.Add($"send@{triggerNanoseconds} {command.Kind} {command.ClientOrderId.Value}");

        public void SendBatch(ReadOnlySpan<OrderCommand> commands, long triggerNanoseconds)
        {
            var items = new List<string>();
            foreach (var command in commands)
            {
                items.Add($"{command.Kind} {command.ClientOrderId.Value}");
            }

            log.Add($"batch@{triggerNanoseconds} " + string.Join(", ", items));
        }
    }

    private sealed class LoggingActivity(List<string> log) : IOrderActivitySink
    {
        public void OnActivity(in OrderActivity activity) => log.Add($"record {activity.Kind} {activity.OrderId.Value}");
    }
}
