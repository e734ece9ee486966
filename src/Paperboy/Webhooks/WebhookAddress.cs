using System.Net;
using System.Net.Sockets;

namespace Paperboy.Webhooks;

/// <summary>
/// The guard against server-side request forgery: a hook's URL must be http(s) and its host must not
/// resolve to an address inside this machine or its network (loopback, RFC 1918, link-local — where
/// cloud metadata services live —, unique-local IPv6, unspecified, multicast), unless the operator
/// allows it. Checked when a hook is made and again on every connection (<see cref="ConnectAsync"/>),
/// since DNS may answer differently later.
/// </summary>
public static class WebhookAddress
{
    public const int MaxLength = 2000;

    /// <summary>The URL's shape: absolute http(s) with a host and no user name or password. Null when fine.</summary>
    public static string? CheckShape(string? url, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(url)) return "A webhook needs a url.";
        if (url.Length > MaxLength) return $"A webhook's url is at most {MaxLength} characters.";
        // The site's one http(s) rule (absolute, http or https, with a host), then what a hook adds to it.
        if (Feed.SafeUrl.Http(url) is not { } normalised) return "A webhook's url must be an absolute http:// or https:// address with a host.";
        var parsed = new Uri(normalised);
        if (!string.IsNullOrEmpty(parsed.UserInfo)) return "A webhook's url must not carry a user name or password.";
        uri = parsed;
        return null;
    }

    /// <summary>Whether connecting to <paramref name="address"/> would reach this machine or a private network.</summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] is 0 or 10 or 127 || b[0] >= 224 // this network, private, loopback, multicast and reserved
                || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168) // private
                || (b[0] == 169 && b[1] == 254) // link-local (cloud metadata at 169.254.169.254)
                || (b[0] == 100 && b[1] is >= 64 and <= 127); // carrier-grade NAT, private in practice
        }
        return IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6Any) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal
            || address.IsIPv6UniqueLocal || address.IsIPv6Multicast;
    }

    /// <summary>
    /// The addresses <paramref name="host"/> resolves to, or why it may not be used: every address must be
    /// public (one internal answer is enough to refuse, or a second lookup could pick it). A refused host
    /// that did resolve comes back with its addresses, so a caller can tell "internal" from "does not resolve".
    /// </summary>
    public static async Task<(IPAddress[] Addresses, string? Error)> ResolveAsync(string host, bool allowPrivate, CancellationToken ct)
    {
        IPAddress[] addresses;
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal)) addresses = [literal];
        else
        {
            try { addresses = await Dns.GetHostAddressesAsync(host, ct); }
            catch (SocketException ex) { return ([], $"The webhook's host {host} cannot be resolved ({ex.SocketErrorCode})."); }
        }
        if (addresses.Length == 0) return ([], $"The webhook's host {host} has no address.");
        if (!allowPrivate && addresses.FirstOrDefault(IsInternal) is { } bad)
            return (addresses, $"The webhook's host {host} is at {bad}, a loopback, private, link-local or otherwise internal address; " +
                        "such hooks are refused unless the operator sets PAPERBOY_WEBHOOK_ALLOW_PRIVATE=1.");
        return (addresses, null);
    }

    /// <summary>
    /// The connection of every delivery: resolves and checks the host here and connects to the checked
    /// address, so a DNS answer that changes between check and connect cannot slip an internal address in.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, bool allowPrivate, CancellationToken ct)
    {
        var (addresses, error) = await ResolveAsync(context.DnsEndPoint.Host, allowPrivate, ct);
        if (error is not null) throw new WebhookRefusedException(error) { Internal = addresses.Length > 0 };
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
        }
        throw last!;
    }
}

/// <summary>A connection refused by the address guard: the host resolves to an internal address, or not at all.</summary>
public sealed class WebhookRefusedException(string message) : Exception(message)
{
    /// <summary>True: an internal address (refused for good); false: the name did not resolve (may later).</summary>
    public bool Internal { get; init; }
}
