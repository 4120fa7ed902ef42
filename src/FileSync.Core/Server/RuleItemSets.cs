using FileSync.Jobs;

namespace FileSync.Server;

/// <summary>
/// The rule item sets the sync server was sent, by fingerprint (the few most recently used): a build whose items did not
/// change since its last sync names them instead of sending them (100,000 items are ~5 MB to write, send and parse), and
/// the job gets the same list as last time, so the warm scanner can see that nothing but the journal's paths changed.
/// </summary>
internal sealed class RuleItemSets
{
    /// <summary>Sets kept at once (one per project synced, about); the least recently used one beyond is let go.</summary>
    internal const int MaxSets = 8;

    private readonly Dictionary<Planning.Hash128, (RequestItem[] Items, long LastUsed)> _sets = [];
    private long _uses;

    public bool TryGet(Planning.Hash128 fingerprint, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RequestItem[]? items)
    {
        lock (_sets)
        {
            if (_sets.TryGetValue(fingerprint, out var set))
            {
                _sets[fingerprint] = (set.Items, ++_uses);
                items = set.Items;
                return true;
            }
        }

        items = null;
        return false;
    }

    public void Add(Planning.Hash128 fingerprint, RequestItem[] items)
    {
        lock (_sets)
        {
            _sets[fingerprint] = (items, ++_uses);
            while (_sets.Count > MaxSets)
            {
                _sets.Remove(_sets.MinBy(pair => pair.Value.LastUsed).Key);
            }
        }
    }
}
