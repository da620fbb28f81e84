using System.Text.Json;
using PinnacleMM.Security.Audit;

namespace PinnacleMM.Exchange.Tests.Engine;

[TestClass]
public sealed class AuditTests
{
    [TestMethod]
    public async Task Every_order_action_lands_in_the_hash_chained_audit_log_which_verifies()
    {
        var directory = TempDirectory.Create();
        try
        {
            long places, cancels, amends, fills;
            await using (var audit = new AuditLog(new AuditLogOptions { Directory = directory }))
            {
                await using (var run = await EngineRun.StartInlineAsync(71, audit: audit))
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
