using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.Rules;

namespace FileSync.Skaffold;

/// <summary>
/// <c>sync.infer</c>: the files of the context the final stage of the Dockerfile copies, each with the destinations the
/// image gives it, as Skaffold's <c>docker.SyncMap</c> computes them (pkg/skaffold/docker/syncmap.go), kept when a
/// <c>sync.infer</c> pattern matches the file (doublestar, FileSync's Glob). A COPY source that exists is taken as it
/// is, else as a Go <c>filepath.Glob</c> (sorted; a source that matches nothing is left out, where Skaffold fails and
/// rebuilds); a folder is walked (its files below the destination), a file goes to the destination, or into it when it
/// is a folder. Every destination holds the file the last COPY put there (a later COPY overwrites an earlier one), and
/// a file copied several times gets several destinations. The .dockerignore, the excluded build folders and folder
/// links apply as in <see cref="ContextWalker"/>. Each item's rule names the pattern and the Dockerfile line.
/// A destination relative to the base image's WORKDIR is resolved here against <paramref name="workingDirectory"/>
/// (FileSyncWorkingDirectory) when it is set, so that a later COPY to the same path overwrites an earlier one whether
/// it was written relative or absolute; else later, against the container's WORKDIR (or /).
/// </summary>
internal sealed class InferredMap(string configFile, SkaffoldArtifact artifact, ContextWalker walker, DockerIgnore ignore, ILog log, string? workingDirectory = null)
{
    private readonly string _context = Path.TrimEndingDirectorySeparator(artifact.Context);

    public IEnumerable<SyncItem> Items()
    {
        if (artifact.Infer.Count == 0)
        {
            return [];
        }

        string text = ReadDockerfile();
        IReadOnlyList<CopyCommand> copies;
        try
        {
            copies = CopyInference.FinalStage(text, artifact.BuildArgs);
        }
        catch (DockerfileException e)
        {
            throw new FileSyncException(Diag.DockerfileSyntax(artifact.Dockerfile, e.Line, e.Message));
        }

        string display = Path.GetRelativePath(_context, artifact.Dockerfile).Replace('\\', '/');
        var byDestination = new Dictionary<string, (string Source, string Dest, string Strip, int Line)>(StringComparer.Ordinal);
        foreach (CopyCommand copy in copies)
        {
            CopyCommand resolved = workingDirectory is { } known && !copy.Dest.StartsWith('/') ? copy with { Dest = CopyInference.Resolve(known, copy.Dest) } : copy;
            foreach (string source in copy.Sources)
            {
                foreach (string from in Sources(source, copy.Line))
                {
                    Map(from, resolved, byDestination);
                }
            }
        }

        var items = new List<SyncItem>();
        foreach ((string _, (string source, string dest, string strip, int line)) in byDestination)
        {
            if (artifact.Infer.FirstOrDefault(pattern => pattern.IsMatch(source)) is { } pattern)
            {
                string origin = $"infer '{pattern.Pattern}' from {display}:{line}";
                SyncRule rule = SyncRule.Create(origin, dest, strip) with { Origin = origin };
                items.Add(new SyncItem(source, Path.Combine(_context, source), rule.Dest, rule.Strip) { Rule = rule });
            }
        }

        log.Detail($"FileSync: '{artifact.Dockerfile}': {copies.Count} COPY/ADD of the final stage, {byDestination.Count} destination(s), {items.Count} matched by sync.infer");
        return items;
    }

    private string ReadDockerfile()
    {
        try
        {
            // An empty length: an empty file, or a FIFO, socket or device, whose open could block; "" either way.
            return new FileInfo(artifact.Dockerfile) is { Exists: true, Length: 0 } ? "" : File.ReadAllText(artifact.Dockerfile);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileSyncException(Diag.DockerfileNotFound(configFile, artifact.Image, artifact.Dockerfile));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileSyncException(Diag.DockerfileUnreadable(artifact.Dockerfile, e.Message));
        }
    }

    /// <summary>A file (or link) goes to the destination, or into it; a folder's files go below it.</summary>
    private void Map(string from, CopyCommand copy, Dictionary<string, (string, string, string, int)> byDestination)
    {
        string full = from == "." ? _context : Path.Combine(_context, from);
        if (Directory.Exists(full) && (File.GetAttributes(full) & FileAttributes.ReparsePoint) == 0)
        {
            string strip = from == "." ? "" : from + "/";
            foreach (string file in walker.Walk(from == "." ? "" : from))
            {
                byDestination[UnixPath.Join(copy.Dest, file[strip.Length..])] = (file, copy.Dest, strip, copy.Line);
            }
        }
        else if (copy.IsAdd && LocalArchive.IsArchive(full))
        {
            // Skaffold would sync the archive itself; the image holds what ADD extracted from it.
            log.Warning(Diag.InferArchiveNotSynced(artifact.Dockerfile, copy.Line, from));
        }
        else if (!ignore.IsIgnored(from) && !walker.IsExcluded(from))
        {
            int slash = from.LastIndexOf('/');
            (string destination, string strip) = copy.DestIsDir
                ? (UnixPath.Join(copy.Dest, from[(slash + 1)..]), slash < 0 ? "" : from[..(slash + 1)])
                : (copy.Dest, from);
            byDestination[destination] = (from, copy.Dest, strip, copy.Line);
        }
    }

    /// <summary>The context paths a COPY source names: itself when it exists, else what it matches as a Go glob.</summary>
    private IEnumerable<string> Sources(string source, int line)
    {
        string cleaned = UnixPath.Clean(source);
        if (cleaned == ".." || cleaned.StartsWith("../", StringComparison.Ordinal))
        {
            log.Warning(Diag.InferSourceOutsideContext(artifact.Dockerfile, line, source, _context));
            return [];
        }

        string relative = cleaned.StartsWith('/') ? UnixPath.Clean("." + cleaned) : cleaned; // the context is the build's root
        string full = relative == "." ? _context : Path.Combine(_context, relative);
        if (File.Exists(full) || Directory.Exists(full) || new FileInfo(full).LinkTarget is not null)
        {
            return [relative];
        }

        return relative.AsSpan().IndexOfAny("*?[\\") < 0 ? [] : GoGlob(relative, line);
    }

    /// <summary>Go's filepath.Glob below the context: each segment matched within one folder, names sorted, dotfiles included.</summary>
    private List<string> GoGlob(string pattern, int line)
    {
        var matches = new List<string> { "" };
        foreach (string segment in pattern.Split('/'))
        {
            var next = new List<string>();
            bool wild = segment.AsSpan().IndexOfAny("*?[\\") >= 0;
            Glob? glob = null;
            if (wild && !Glob.TryParse(segment.Replace("{", "\\{").Replace("}", "\\}"), out glob, out _))
            {
                throw new FileSyncException(Diag.DockerfileSyntax(artifact.Dockerfile, line, $"invalid glob pattern '{pattern}'"));
            }

            foreach (string folder in matches)
            {
                string full = folder.Length == 0 ? _context : Path.Combine(_context, folder);
                if (folder.Length > 0 && (!Directory.Exists(full) || (File.GetAttributes(full) & FileAttributes.ReparsePoint) != 0))
                {
                    continue; // only real folders are entered
                }

                if (!wild)
                {
                    string candidate = folder.Length == 0 ? segment : folder + "/" + segment;
                    string path = Path.Combine(_context, candidate);
                    if (File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null)
                    {
                        next.Add(candidate);
                    }

                    continue;
                }

                IEnumerable<string> names;
                try
                {
                    names = [.. new DirectoryInfo(full).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true }).Select(entry => entry.Name)];
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue; // Go's Glob ignores I/O errors
                }

                next.AddRange(names.Where(name => glob!.IsMatch(name)).Order(StringComparer.Ordinal).Select(name => folder.Length == 0 ? name : folder + "/" + name));
            }

            matches = next;
        }

        return matches;
    }
}
