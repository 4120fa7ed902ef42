using System.Runtime.Versioning;
using FileSync.Planning;
using FileSync.Watching;

namespace FileSync.Tests.Core;

/// <summary>
/// FileSyncWatch and a rule's file replaced by a folder (adversary finding D7): a wildcard rule's start item is not a
/// rule the user wrote, so the folder is no FSYNC1011 naming it; a path the user wrote as it is still is.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class WatchKindChangeTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_file_a_wildcard_matched_that_became_a_folder_is_no_FSYNC1011_and_its_files_are_sources()
    {
        string file = _temp.Write("site/x", "a file first");
        var start = new SyncItem("site/x", file, "www", "site/");
        var sources = new SourceSet([start], new WatchRules([new WatchRule("site/**/*", [], [], "www", "site/")], _temp.Path), _temp.Path);
        File.Delete(file);
        string page = _temp.Write("site/x/page.html", "<p>now a folder</p>");

        Assert.True(sources.Apply([file]));
        IReadOnlyList<SourceFile> scanned = new SourceScanner(_temp.Path, _log).Scan(sources.Items);

        Assert.Equal([page], scanned.Select(source => source.FullPath));
        Assert.Empty(_log.Warnings);

        // Back to a file: its start item is a source again.
        Directory.Delete(file, recursive: true);
        _temp.Write("site/x", "a file again");
        Assert.True(sources.Apply([file]));
        Assert.Equal([file], new SourceScanner(_temp.Path, _log).Scan(sources.Items).Select(source => source.FullPath));
        Assert.Empty(_log.Warnings);
    }

    [Fact]
    public void A_path_the_user_wrote_without_wildcards_that_became_a_folder_is_FSYNC1011_naming_it()
    {
        string file = _temp.Write("config.json", "{}");
        var start = new SyncItem("config.json", file, "/etc", null);
        var sources = new SourceSet([start], new WatchRules([new WatchRule("config.json", [], [], "/etc", null)], _temp.Path), _temp.Path);
        File.Delete(file);
        _temp.Write("config.json/inner.json", "{}");

        sources.Apply([file]);
        new SourceScanner(_temp.Path, _log).Scan(sources.Items);

        Assert.Equal("FSYNC1011", Assert.Single(_log.Warnings).Code);
        Assert.Contains("'config.json'", _log.Warnings[0].Message, StringComparison.Ordinal);
    }
}
