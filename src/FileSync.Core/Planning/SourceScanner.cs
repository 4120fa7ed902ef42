using FileSync.Archive;
using FileSync.Diagnostics;
using FileSync.Rules;

namespace FileSync.Planning;

/// <summary>
/// Turns the rule items of a build into the set of source files (stat only, no reads), checking every rule and
/// refusing anything that would carry content from outside the context (paths, parent folder links, file links).
/// </summary>
/// <param name="host">What '\' and modes mean on the build host (tests: the other host's); null: this process's.</param>
internal sealed partial class SourceScanner(string contextDirectory, ILog log, HostPaths? host = null)
{
    private readonly HostPaths _host = host ?? HostPaths.Current;
    private readonly string _context = Path.TrimEndingDirectorySeparator(Path.GetFullPath(contextDirectory));
    private readonly Dictionary<string, string?> _realFolders = new(StringComparer.Ordinal);
    private readonly string _contextPrefix = Path.TrimEndingDirectorySeparator(Path.GetFullPath(contextDirectory)) + Path.DirectorySeparatorChar;
    private string? _realContext;

    /// <summary>Plain files statted by an earlier scan (see <see cref="Forget"/>); null: a cold scanner, which stats every item.</summary>
    private readonly KnownFiles? _known;

    /// <summary>A scanner kept between scans by a resident process (FileSyncWatch, the sync server's journal) that is
    /// told every path that changed: a plain file it statted before is taken as it was until <see cref="Forget"/> names
    /// it or a folder above it.</summary>
    public static SourceScanner Warm(string contextDirectory, ILog log) => new(contextDirectory, log, new KnownFiles());

    private SourceScanner(string contextDirectory, ILog log, KnownFiles known)
        : this(contextDirectory, log)
    {
        _known = known;
    }

    /// <summary>The log the next scans warn through: a resident scanner outlives the sync that made it.</summary>
    internal ILog Log
    {
        set => log = value;
    }

    /// <summary>
    /// The paths an event named (files or folders, present or gone) are statted again by the next scan, with every
    /// file below them; a folder link at or below them is resolved again.
    /// </summary>
    public void Forget(IEnumerable<string> paths)
    {
        if (_known is null)
        {
            return;
        }

        foreach (string path in paths)
        {
            string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
            _known.Forget(full, _forgotten);
            if (!full.StartsWith(_contextPrefix, StringComparison.Ordinal))
            {
                _realFolders.Clear(); // the context itself (or a path above it)
                _realContext = null;
                continue;
            }

            string relative = full[_contextPrefix.Length..];
            if (_realFolders.ContainsKey(relative)) // a folder's entry is made after its parent's: nothing below one not there
            {
                string below = relative + "/";
                foreach (string folder in _realFolders.Keys.Where(folder => folder == relative || folder.StartsWith(below, StringComparison.Ordinal)).ToList())
                {
                    _realFolders.Remove(folder);
                }
            }
        }
    }

    /// <summary>Nothing assumed any more (events were lost): the next scan stats every item.</summary>
    public void ForgetAll()
    {
        _known?.Clear();
        _realFolders.Clear();
        _realContext = null;
        _last = null;
        _forgotten.Clear();
    }

    public IReadOnlyList<SourceFile> Scan(IEnumerable<SyncItem> items)
    {
        if (_last is { } last && ReferenceEquals(last.Items, items))
        {
            return Rescan(last);
        }

        _last = null;
        _forgotten.Clear(); // the full scan below stats whatever the warm memory does not hold
        var rules = new Dictionary<(string Dest, string Strip, string Mode), SyncRule>();
        var files = new Dictionary<string, SourceFile?>(StringComparer.Ordinal);
        var ordered = new List<SourceFile>();
        ScanMemory? memory = _known is not null && items is IReadOnlyList<SyncItem> list ? new ScanMemory(list) : null;
        bool anyMode = false;
        foreach (SyncItem item in items)
        {
            var key = (item.Dest ?? "", item.Strip ?? "", item.Mode ?? "");
            SyncRule? rule = item.Rule;
            if (rule is null && !rules.TryGetValue(key, out rule))
            {
                rule = SyncRule.Create(item.ItemSpec, item.Dest, item.Strip, _host) with { Mode = FileModeText.Parse(item.ItemSpec, item.Mode) };
                rules[key] = rule;
            }

            anyMode |= rule.Mode is not null;

            if (!files.TryGetValue(item.FullPath, out SourceFile? file))
            {
                file = Known(item.FullPath) ?? Remember(item.FullPath, Stat(item));
                files[item.FullPath] = file;
                if (file is not null)
                {
                    ordered.Add(file);
                }
            }

            List<SyncRule>? fileRules = memory is null ? file?.Rules : memory.Note(item, file);
            if (fileRules is not null && !fileRules.Contains(rule))
            {
                fileRules.Add(rule);
            }
        }

        foreach (SourceFile file in anyMode ? ordered : [])
        {
            ApplyRuleMode(file);
        }

        ordered.Sort(ScanMemory.ByRelativePath);
        if (memory is not null)
        {
            _last = memory.Keep(ordered, anyMode, IsRemembered);
            return [.. ordered]; // the memory's own list stays the scanner's
        }

        return ordered;
    }

    /// <summary>A rule's Mode replaces the file's (a link keeps 0777); rules that give one file different Modes are an error.</summary>
    private static void ApplyRuleMode(SourceFile file)
    {
        UnixFileMode[] modes = [.. file.Rules.Where(rule => rule.Mode is not null).Select(rule => rule.Mode!.Value).Distinct()];
        if (modes.Length > 1)
        {
            throw new FileSyncException(Diag.RuleModesDiffer(file.FullPath, string.Join(", ", modes.Select(FileModeText.Format))));
        }

        if (modes.Length == 1 && file.Kind == SourceKind.File)
        {
            file.Mode = modes[0];
        }
    }

    /// <summary>A plain file a warm scanner statted before and was not told changed, its rules cleared for this scan.</summary>
    private SourceFile? Known(string itemPath)
    {
        if (_known is null || !_known.TryGet(itemPath, out SourceFile? file))
        {
            return null;
        }

        file.Rules.Clear();
        return file;
    }

    /// <summary>
    /// Keeps a plain file read straight from its own path (no folder link on the way, no name fixed up): an event for it
    /// or a folder above it is what changes it. Links, and files read through a folder link, are statted every time
    /// (what they lead to can change with no event for them); so is whatever the scan refused or warned about.
    /// </summary>
    private SourceFile? Remember(string itemPath, SourceFile? file)
    {
        if (_known is not null && file is { Kind: SourceKind.File } && file.FullPath == itemPath && file.ReadPath == file.RelativePath)
        {
            _known.Add(itemPath, file);
        }

        return file;
    }

    /// <summary>Whether the file the scan found at the item's path is the warm memory's (not statted again until an event names it).</summary>
    private bool IsRemembered(string itemPath, SourceFile? file) =>
        file is not null && _known is not null && _known.TryGet(itemPath, out SourceFile? known) && ReferenceEquals(known, file);

    private SourceFile? Stat(SyncItem item)
    {
        string full = Path.GetFullPath(item.FullPath);
        string relative = full.StartsWith(_contextPrefix, StringComparison.Ordinal)
            ? full[_contextPrefix.Length..] // the common case, without GetRelativePath's work
            : Path.GetRelativePath(_context, full);
        relative = _host.ToUnix(relative); // on Linux and macOS a backslash is part of a file name

        if (relative == "." || relative.StartsWith("../", StringComparison.Ordinal) || relative == ".." || Path.IsPathRooted(relative))
        {
            throw new FileSyncException(Diag.SourceOutsideContext(full, _context));
        }

        // One lstat: the attributes say missing, folder or link without another system call.
        var info = new FileInfo(full);
        FileAttributes attributes;
        try
        {
            attributes = info.Attributes;
        }
        catch (PathTooLongException)
        {
            throw new FileSyncException(ItemNames.TooLong(full));
        }

        if ((int)attributes == -1)
        {
            if (item.ItemSpec.AsSpan().IndexOfAny('*', '?') >= 0)
            {
                throw new FileSyncException(ItemNames.Unexpanded(item));
            }

            if (ItemNames.ResolveBackslashes(full, _context) is not { } real)
            {
                if (relative.Contains('\uFFFD', StringComparison.Ordinal))
                {
                    log.Warning(Diag.SourceNameNotUtf8(full)); // decoded by MSBuild: no way back to its bytes
                }

                return null; // missing now: if it was synced before, the planner deletes it
            }

            (full, relative) = (real, real[_contextPrefix.Length..]);
            info = new FileInfo(full);
            attributes = info.Attributes;
        }

        string folder = UnixPath.Parent("/" + relative)[1..];
        if ((attributes & FileAttributes.ReparsePoint) != 0 && info.LinkTarget is { } linkText)
        {
            return RealFolder(folder) is not null ? Symlink(info, relative, linkText) : Refuse(full, linkText);
        }

        if ((attributes & FileAttributes.Directory) != 0)
        {
            log.Warning(Diag.SourceIsFolder(item.ItemSpec));
            return null;
        }

        // A FIFO, socket or device reads as an empty file in .NET's attributes: only those need the extra stat.
        if (info.Length == 0 && UnixNoFollow.TryPathKind(full, out int kind) && UnixNoFollow.SpecialKindName(kind) is { } special)
        {
            log.Warning(Diag.SourceNotAFile(full, special));
            return null;
        }

        if (RealFolder(folder) is not { } realFolder)
        {
            return Refuse(full, Path.Combine(_context, folder));
        }

        return new SourceFile(relative, full, SourceKind.File)
        {
            ReadRoot = _context,
            ReadPath = realFolder == folder ? relative : (realFolder.Length == 0 ? "" : realFolder + "/") + relative[(relative.LastIndexOf('/') + 1)..],
            Size = info.Length,
            MtimeTicks = info.LastWriteTimeUtc.Ticks,
            Mode = _host.HasUnixModes ? info.UnixFileMode : HostPaths.DefaultFileMode,
        };
    }

    private SourceFile? Symlink(FileInfo info, string relative, string linkText)
    {
        FileSystemInfo? final = info.ResolveLinkTarget(returnFinalTarget: true);
        string? resolved = final is null ? null : RealPath(final.FullName);
        if (resolved is null || !IsUnder(resolved, RealContext))
        {
            return Refuse(info.FullName, linkText);
        }

        // Keep the link inside the synced tree wherever it lands: rewrite it relative to its own folder.
        string relativeTarget = _host.ToUnix(Path.GetRelativePath(RealPath(info.DirectoryName!), resolved));

        return new SourceFile(relative, info.FullName, SourceKind.Symlink)
        {
            MtimeTicks = info.LastWriteTimeUtc.Ticks,
            LinkTarget = relativeTarget,
            Mode = (UnixFileMode)0b111_111_111,
        };
    }

    private SourceFile? Refuse(string file, string target)
    {
        log.Warning(Diag.SymlinkOutsideContext(file, target));
        return null;
    }

    /// <summary>
    /// The folder's path below the real context with every link along it resolved (what a read walks without following
    /// links), or null when a link between the context and the folder leads out of the context.
    /// </summary>
    private string? RealFolder(string folder)
    {
        if (folder.Length == 0)
        {
            return "";
        }

        if (_realFolders.TryGetValue(folder, out string? real))
        {
            return real;
        }

        real = RealFolder(UnixPath.Parent("/" + folder)[1..]) is { } parent
            ? (parent.Length == 0 ? "" : parent + "/") + folder[(folder.LastIndexOf('/') + 1)..]
            : null;
        if (real is not null)
        {
            var info = new DirectoryInfo(Path.Combine(_context, folder));
            if ((info.Attributes & FileAttributes.ReparsePoint) != 0 && info.LinkTarget is not null)
            {
                FileSystemInfo? final = info.ResolveLinkTarget(returnFinalTarget: true);
                string? resolved = final is null ? null : RealPath(final.FullName);
                real = resolved is not null && IsUnder(resolved, RealContext) ? BelowRealContext(resolved) : null;
            }
        }

        _realFolders[folder] = real;
        return real;
    }

    private string BelowRealContext(string path)
    {
        string below = path.Length == RealContext.Length ? "" : path[(RealContext.Length + 1)..];
        return _host.ToUnix(below);
    }

    private string RealContext => _realContext ??= RealPath(_context);

    /// <summary>The path with every link along it resolved (like realpath(3)), for containment checks.</summary>
    internal static string RealPath(string path)
    {
        string full = Path.GetFullPath(path);
        string root = Path.GetPathRoot(full)!;
        string current = root;
        foreach (string segment in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, segment);
            FileSystemInfo info = new FileInfo(current);
            if ((int)info.Attributes != -1 && (info.Attributes & FileAttributes.ReparsePoint) != 0 && info.LinkTarget is not null)
            {
                FileSystemInfo? target = info.ResolveLinkTarget(returnFinalTarget: true);
                current = target is null ? current : RealPath(target.FullName);
            }
        }

        return current;
    }

    private static bool IsUnder(string path, string folder) =>
        path == folder || path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
