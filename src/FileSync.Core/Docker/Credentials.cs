namespace FileSync.Docker;

/// <summary>The one rule for showing an address (a Docker host, a URL) in a message: credentials never reach a build log.</summary>
internal static class Credentials
{
    private const string Hidden = "***";

    /// <summary>
    /// Hides user information in any scheme, or with none (<c>tcp://me:pw@host</c> -> <c>tcp://***@host</c>; everything up
    /// to the last '@', since a password may hold '/', '?' or '#') and the value of every query parameter (<c>?token=abc</c> ->
    /// <c>?token=***</c>). Hides too much rather than too little: a Docker host has no query and no '@' otherwise.
    /// </summary>
    public static string Redact(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        int scheme = address.IndexOf("://", StringComparison.Ordinal);
        int authority = scheme < 0 ? 0 : scheme + 3;
        int at = address.LastIndexOf('@');
        string text = at >= authority ? address[..authority] + Hidden + address[at..] : address;
        int query = text.IndexOf('?', authority);
        return query < 0 ? text : text[..query] + RedactQuery(text[query..]);
    }

    /// <summary>"?a=1&amp;b=2#f" -> "?a=***&amp;b=***#f"; a parameter without '=' is hidden whole (it may be a bare token).</summary>
    private static string RedactQuery(string query)
    {
        int fragment = query.IndexOf('#');
        string tail = fragment < 0 ? string.Empty : query[fragment..];
        string[] parameters = (fragment < 0 ? query : query[..fragment])[1..].Split('&');
        for (int i = 0; i < parameters.Length; i++)
        {
            int equals = parameters[i].IndexOf('=');
            parameters[i] = parameters[i].Length == 0 ? parameters[i] : equals < 0 ? Hidden : parameters[i][..(equals + 1)] + Hidden;
        }

        return "?" + string.Join('&', parameters) + tail;
    }
}
