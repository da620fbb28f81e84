using System.Buffers;
using System.Text.Json;
using PinnacleMM.Exchange.Coinbase.Authentication;

namespace PinnacleMM.Exchange.Coinbase.WebSockets;

/// <summary>Writes a Coinbase Exchange feed (un)subscribe message, signed afresh when a signer is given.</summary>
internal static class ExchangeSubscribeMessage
{
    public static byte[] Create(string type, string[] products, string[] channels, CoinbaseRequestSigner? signer)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WriteStartArray("product_ids");
            foreach (var product in products)
            {
                writer.WriteStringValue(product);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("channels");
            foreach (var channel in channels)
            {
                writer.WriteStringValue(channel);
            }

            writer.WriteEndArray();
            if (signer is not null && type == "subscribe")
            {
                var signature = signer.SignFeedSubscribe();
                writer.WriteString("signature", signature.Signature);
                writer.WriteString("key", signature.Key);
                writer.WriteString("passphrase", signature.Passphrase);
                writer.WriteString("timestamp", signature.Timestamp);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
