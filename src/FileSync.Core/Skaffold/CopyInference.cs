using FileSync.Rules;

namespace FileSync.Skaffold;

/// <summary>A COPY/ADD of the final stage: its sources as written (variables expanded), its destination (absolute, or relative to the unknown base image's WORKDIR), and its line.</summary>
internal sealed record CopyCommand(IReadOnlyList<string> Sources, string Dest, bool DestIsDir, int Line)
{
    /// <summary>An ADD: a local tar archive (compressed or not) is extracted into the destination, not copied.</summary>
    public bool IsAdd { get; init; }
}

/// <summary>
/// The COPY/ADD instructions of a Dockerfile's final stage, as Skaffold's <c>extractCopyCommands</c> reads them
/// (pkg/skaffold/docker/parse.go): <c>--from=</c> copies are left out (they copy from another stage, not the context);
/// remote and here-document sources are left out; a word starting with <c>#</c> ends the sources; the destination is
/// resolved against the WORKDIR so far and is a folder when it ends with <c>/</c> or <c>.</c>/<c>..</c>. Where Skaffold
/// reads the base image (its WORKDIR, its ONBUILD triggers), FileSync reads nothing: a destination relative to the base
/// image's WORKDIR stays relative (joined later to FileSyncWorkingDirectory, else the container's WORKDIR, else /).
/// Variables follow Docker's scoping, which Skaffold approximates: <c>ARG</c>s before the first FROM are seen only by
/// FROM lines and by a stage's <c>ARG NAME</c> that redeclares them; a stage's ARG takes the artifact's build arg,
/// else its default; ENV beats ARG; a stage <c>FROM</c> an earlier stage starts with that stage's ENV and WORKDIR.
/// </summary>
internal static class CopyInference
{
    public static IReadOnlyList<CopyCommand> FinalStage(string text, IReadOnlyDictionary<string, string?> buildArgs)
    {
        (IReadOnlyList<DockerInstruction> instructions, char escape) = Dockerfile.Parse(text);
        var global = new Dictionary<string, string?>(StringComparer.Ordinal);
        var stages = new Dictionary<string, Stage>(StringComparer.OrdinalIgnoreCase);
        Stage? stage = null;
        var copies = new List<CopyCommand>();
        foreach (DockerInstruction instruction in instructions)
        {
            try
            {
                switch (instruction.Keyword)
                {
                    case "from":
                        stage = From(instruction, escape, global, stages);
                        copies.Clear(); // only the final image's copies are syncable
                        break;
                    case "arg":
                        DeclareArgs(instruction, escape, buildArgs, global, stage);
                        break;
                    case "env" when stage is not null:
                        stage.SetEnv(instruction, escape);
                        break;
                    case "workdir" when stage is not null:
                        stage.Workdir = Resolve(stage.Workdir, stage.Expand(escape, instruction.Rest));
                        break;
                    case "copy" or "add" when stage is not null:
                        if (Copy(instruction, escape, stage) is { } copy)
                        {
                            copies.Add(copy);
                        }

                        break;
                }
            }
            catch (FormatException e)
            {
                throw new DockerfileException(instruction.Line, e.Message);
            }
        }

        return copies;
    }

    /// <summary>Go's <c>path.Join(cwd, target)</c> made absolute by an absolute target; with an unknown cwd ("") a relative target stays relative.</summary>
    internal static string Resolve(string cwd, string target) =>
        target.StartsWith('/') || cwd.Length == 0 ? UnixPath.Clean(target) : UnixPath.Join(cwd, target);

    private static Stage From(DockerInstruction instruction, char escape, Dictionary<string, string?> global, Dictionary<string, Stage> stages)
    {
        string[] words = [.. Dockerfile.Arguments(instruction)];
        if (words.Length == 0)
        {
            throw new DockerfileException(instruction.Line, "FROM requires either one or three arguments");
        }

        string image = Unquote(new ShellWord(escape, name => global.GetValueOrDefault(name)).Process(words[0]));
        Stage stage = stages.TryGetValue(image, out Stage? parent)
            ? parent.Child()
            : new Stage(global) { Workdir = image.Equals("scratch", StringComparison.OrdinalIgnoreCase) ? "/" : "" };
        if (words.Length >= 3 && words[1].Equals("as", StringComparison.OrdinalIgnoreCase))
        {
            stages[words[2]] = stage;
        }

        return stage;
    }

    private static void DeclareArgs(DockerInstruction instruction, char escape, IReadOnlyDictionary<string, string?> buildArgs, Dictionary<string, string?> global, Stage? stage)
    {
        IReadOnlyList<string> words = Dockerfile.Words(instruction.Rest, escape);
        if (words.Count == 0)
        {
            throw new DockerfileException(instruction.Line, "ARG requires at least one argument");
        }

        foreach (string word in words)
        {
            int equals = word.IndexOf('=');
            string name = equals < 0 ? word : word[..equals];
            string? value = buildArgs.GetValueOrDefault(name);
            if (value is null && equals >= 0)
            {
                value = stage is null ? new ShellWord(escape, key => global.GetValueOrDefault(key)).Process(word[(equals + 1)..]) : stage.Expand(escape, word[(equals + 1)..]);
            }

            if (stage is null)
            {
                global[name] = value;
            }
            else
            {
                stage.Args[name] = value ?? global.GetValueOrDefault(name);
            }
        }
    }

    private static CopyCommand? Copy(DockerInstruction instruction, char escape, Stage stage)
    {
        if (instruction.Flags.Any(flag => flag.StartsWith("--from=", StringComparison.Ordinal)))
        {
            return null; // a copy from another stage or image: no source in the context
        }

        var paths = new List<string>();
        foreach (string word in Dockerfile.Arguments(instruction).TakeWhile(word => !word.StartsWith('#')))
        {
            paths.Add(stage.Expand(escape, word));
        }

        if (paths.Count < 2)
        {
            throw new DockerfileException(instruction.Line, $"{instruction.Keyword.ToUpperInvariant()} requires at least two arguments, but got {paths.Count}");
        }

        string dest = paths[^1];
        string[] sources = [.. paths[..^1].Where(source => !source.StartsWith("http://", StringComparison.Ordinal) && !source.StartsWith("https://", StringComparison.Ordinal) && !source.StartsWith("<<", StringComparison.Ordinal))];
        string last = dest.TrimEnd('/');
        bool destIsDir = dest.EndsWith('/') || last.EndsWith("/.", StringComparison.Ordinal) || last.EndsWith("/..", StringComparison.Ordinal) || last is "." or "..";
        return sources.Length == 0 ? null : new CopyCommand(sources, Resolve(stage.Workdir, dest), destIsDir, instruction.Line) { IsAdd = instruction.Keyword == "add" };
    }

    /// <summary>Skaffold's unquote for FROM images: <c>"scratch"</c>, <c>'scratch'</c> and <c>golang:"1.15"</c> name the same image.</summary>
    private static string Unquote(string value) => value.Contains('"') ? value.Replace("\"", "") : value.Replace("'", "");

    private sealed class Stage(Dictionary<string, string?> global)
    {
        public string Workdir { get; set; } = "";

        public Dictionary<string, string?> Env { get; private init; } = new(StringComparer.Ordinal);

        public Dictionary<string, string?> Args { get; } = new(StringComparer.Ordinal);

        public Stage Child() => new(global) { Workdir = Workdir, Env = new Dictionary<string, string?>(Env, StringComparer.Ordinal) };

        public string Expand(char escape, string word) =>
            new ShellWord(escape, name => Env.TryGetValue(name, out string? env) ? env : Args.GetValueOrDefault(name)).Process(word);

        /// <summary><c>ENV a=b c=d</c>, or the old <c>ENV a b c</c> (one name, the rest its value); every value expanded with the variables before this line.</summary>
        public void SetEnv(DockerInstruction instruction, char escape)
        {
            IReadOnlyList<string> words = Dockerfile.Words(instruction.Rest, escape);
            if (words.Count == 0)
            {
                throw new DockerfileException(instruction.Line, "ENV requires at least one argument");
            }

            var values = new List<(string, string)>();
            if (!words[0].Contains('='))
            {
                string rest = instruction.Rest.Trim()[words[0].Length..].Trim();
                if (rest.Length == 0)
                {
                    throw new DockerfileException(instruction.Line, "ENV must have two arguments");
                }

                values.Add((words[0], Expand(escape, rest)));
            }
            else
            {
                foreach (string word in words)
                {
                    int equals = word.IndexOf('=');
                    if (equals <= 0)
                    {
                        throw new DockerfileException(instruction.Line, $"Syntax error - can't find = in \"{word}\". Must be of the form: name=value");
                    }

                    values.Add((word[..equals], Expand(escape, word[(equals + 1)..])));
                }
            }

            foreach ((string name, string value) in values)
            {
                Env[name] = value;
            }
        }
    }
}
