using System.Text.Json;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Security.Audit;

namespace PinnacleMM.Exchange.Tests.Engine;

[TestClass]
public sealed class AuditTests
{
    // Without persistence too: the engine holds its journal items until it runs out of input, and the last ones of
    // the stop (the cancels and their answers) are handed over by the stop itself.
    [TestMethod]
    [DataRow(EngineThreading.Inline)]
    [DataRow(EngineThreading.Threaded)]
    [DataRow(EngineThreading.ThreadedDirectSend)]
    public async Task Every_order_action_lands_in_the_hash_chained_audit_log_which_verifies(EngineThreading threading)
    {
        var directory = TempDirectory.Create();
        try
        {
            long places, cancels, amends, fills;
            await using (var audit = new AuditLog(new AuditLogOptions { Directory = directory }))
            {
                await using (var run = await EngineRun.StartAsync(71, threading, audit: audit))
                {
                    run.Simulator.RunFor(TimeSpan.FromSeconds(6));
                    await run.StopAsync();
                    places = run.Engine.Orders.PlacesSent;
                    cancels = run.Engine.Orders.CancelsSent;
                    amends = run.Engine.Orders.AmendsSent;
                    fills = run.Engine.Orders.FillsApplied;
                }

                await audit.FlushAsync();
                Assert.AreEqual(0, audit.DroppedCount);
            }

            var result = AuditLogVerifier.Verify(directory);
            Assert.IsTrue(result.IsValid, string.Join(Environment.NewLine, result.Problems));
            var types = Directory.GetFiles(directory, "audit-*.jsonl").SelectMany(File.ReadLines)
                .Select(line => JsonDocument.Parse(line).RootElement)
                .GroupBy(e => e.GetProperty("type").GetString()!)
                .ToDictionary(g => g.Key, g => g.ToList());
            Assert.AreEqual(places, types["order.place"].Count);
            Assert.AreEqual(cancels, types["order.cancel"].Count);
            Assert.AreEqual(amends, types.GetValueOrDefault("order.amend")?.Count ?? 0);
            Assert.AreEqual(fills, types["order.fill"].Count);
            Assert.IsTrue(fills > 0);
            // The stop cancelled every open order and waited for the answers: every order placed ends in the log.
            var ends = types.GetValueOrDefault("order.cancelled", []).Concat(types.GetValueOrDefault("order.rejected", []))
                .Concat(types.GetValueOrDefault("order.closed", []))
                .Concat(types["order.fill"].Where(e => e.GetProperty("details").GetProperty("event").GetString() == "Filled"))
                .Select(e => e.GetProperty("target").GetString())
                .ToHashSet();
            var open = types["order.place"].Select(e => e.GetProperty("target").GetString()).Where(t => !ends.Contains(t)).ToList();
            Assert.AreEqual(0, open.Count, "placed orders without an end in the audit log: " + string.Join(", ", open));
            var place = types["order.place"][0];
            Assert.AreEqual("engine", place.GetProperty("actor").GetString());
            Assert.AreEqual("simulator", place.GetProperty("source").GetString());
            StringAssert.StartsWith(place.GetProperty("target").GetString(), "SIM-USD/");
            Assert.AreEqual("success", place.GetProperty("outcome").GetString());
            Assert.AreEqual("true", place.GetProperty("details").GetProperty("postOnly").GetString());
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }
}
