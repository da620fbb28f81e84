using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Exchange.Coinbase.Internal;

/// <summary>One book level or change as copied from a message, before the product (and so the grid) is known.</summary>
/// <param name="Side">The side when it is implied by the array it came from (snapshot bids/asks); otherwise read from <paramref name="SideText"/>.</param>
/// <param name="SideText">The side as written, for changes that carry one.</param>
/// <param name="Price">The price text.</param>
/// <param name="Size">The size text.</param>
/// <param name="Index">The position in its array, for error messages.</param>
/// <param name="Event">The event (Advanced Trade) the level belongs to.</param>
internal readonly record struct LevelRef(Side Side, TextRef SideText, TextRef Price, TextRef Size, int Index, int Event);
