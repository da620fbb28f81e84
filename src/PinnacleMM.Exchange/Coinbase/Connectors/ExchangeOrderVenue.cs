using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.Authentication;
using PinnacleMM.Exchange.Coinbase.Rest;
using PinnacleMM.Exchange.Coinbase.WebSockets;

namespace PinnacleMM.Exchange.Coinbase.Connectors;

/// <summary>Coinbase Exchange: HMAC-signed REST (<see cref="CoinbaseRestClient"/>) and the signed <c>user</c>/<c>full</c> channel.</summary>
internal sealed class ExchangeOrderVenue : ICoinbaseOrderVenue
{
    private readonly CoinbaseRequestSigner _signer;
    private readonly CoinbaseExchangeUserFeedProtocol _protocol;

    public ExchangeOrderVenue(CoinbaseRestClient rest, CoinbaseRequestSigner signer, CoinbaseExchangeUserFeedProtocol protocol)
    {
        Rest = rest;
        _signer = signer;
        _protocol = protocol;
        _protocol.Subscribed += () => Subscribed?.Invoke();
    }

    public event Action? Subscribed;

    public CoinbaseRestClient Rest { get; }

    public ICoinbaseFeedProtocol Protocol => _protocol;

    public long RateLimitedResponses => Rest.RateLimitedResponses;

    public Task<CoinbaseRestResult<CoinbaseOrder>> PlaceAsync(CoinbaseOrderRequest request, CancellationToken cancellationToken) => Rest.PlaceOrderAsync(request, cancellationToken);

    public async Task<CoinbaseRestResult<bool>> CancelAsync(Guid venueOrderId, Guid clientOid, string productId, CancellationToken cancellationToken)
    {
        // Exchange cancels by client_oid directly, which also works before the venue's id is known.
        var result = await Rest.CancelOrderByClientOidAsync(clientOid.ToString("D"), productId, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? CoinbaseRestResult<bool>.Success(true, result.StatusCode) : result.As<bool>();
    }

    public async Task<CoinbaseRestResult<bool>> CancelAllAsync(string? productId, CancellationToken cancellationToken)
    {
        var result = await Rest.CancelAllAsync(productId, cancellationToken).ConfigureAwait(false);
        return result.IsSuccess ? CoinbaseRestResult<bool>.Success(true, result.StatusCode) : result.As<bool>();
    }

    public Task<CoinbaseRestResult<IReadOnlyList<CoinbaseOrder>>> GetOpenOrdersAsync(string? productId, CancellationToken cancellationToken) => Rest.GetOpenOrdersAsync(productId, cancellationToken);

    public Task<CoinbaseRestResult<IReadOnlyList<Balance>>> GetBalancesAsync(CancellationToken cancellationToken) => Rest.GetBalancesAsync(cancellationToken);

    public Task<CoinbaseRestResult<CoinbaseOrder>> GetOrderAsync(Guid orderId, CancellationToken cancellationToken) => Rest.GetOrderAsync(orderId, cancellationToken);

    public Task<CoinbaseRestResult<IReadOnlyList<CoinbaseFill>>> GetFillsAsync(string productId, DateTimeOffset since, CancellationToken cancellationToken) =>
        Rest.GetFillsAsync(productId, null, since, cancellationToken);

    public async Task<CoinbaseRestResult<IReadOnlyList<CoinbaseFill>>> GetOrderFillsAsync(IReadOnlyList<Guid> orderIds, CancellationToken cancellationToken)
    {
        // GET /fills takes one order_id per request.
        var all = new List<CoinbaseFill>();
        var status = 200;
        foreach (var id in orderIds)
        {
            var result = await Rest.GetFillsAsync(null, id, DateTimeOffset.MinValue, cancellationToken).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                return result;
            }

            all.AddRange(result.Value!);
            status = result.StatusCode;
        }

        return CoinbaseRestResult<IReadOnlyList<CoinbaseFill>>.Success(all, status);
    }

    public void Dispose()
    {
        Rest.Dispose();
        _signer.Dispose();
    }
}
