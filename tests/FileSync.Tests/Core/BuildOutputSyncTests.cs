using System.Runtime.Versioning;
using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.Rules;
using FileSync.State;
using FileSync.Targets;

namespace FileSync.Tests.Core;

/// <summary>
/// Build outputs (FileSyncIncludeBuildOutput) go through the rules' planner, state and archive under keys of their own,
/// read from the output folder; one that left the build's item list is deleted, whatever the probe says.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class BuildOutputSyncTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly string _context;
    private readonly string _bin;
    private readonly string _root;

    public BuildOutputSyncTests()
    {
        _context = _temp.Folder("ctx");
        _bin = _temp.Folder("ctx/bin/Debug/net10.0");
        _root = _temp.Folder("root");
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A probe for which every folder of the context is unlistable: rule files would all be kept.</summary>
    private sealed class NothingListable(string context) : SourceProbe(context)
    {
        protected override void ListFolder(string folder) => throw new UnauthorizedAccessException($"Access to the path '{folder}' is denied.");
    }

    /// <param name="outputs">The build's output list; null: outputs are not part of this sync (off, or not resolved), as the task passes it.</param>
    private Task<SyncOutcome> SyncAsync(DirectoryTarget target, string? outputDest, IEnumerable<string> rules, IEnumerable<string>? outputs, SourceProbe? probe = null)
    {
        var sources = new List<SourceFile>(new SourceScanner(_context, _log).Scan(rules.Select(relative => new SyncItem(relative, Path.Combine(_context, relative), "/app", null))));
        var scanner = new OutputScanner(_bin, _log);
        sources.AddRange(scanner.Scan((outputs ?? []).Select(path => new OutputItem(path)), SyncRule.ForBuildOutput(outputDest)));
        var options = new SyncOptions(_temp.Combine("obj/filesync"))
        {
            Probe = probe ?? new SourceProbe(_context),
            KeptOutputs = outputs is null ? OutputsKept.All : OutputsKept.Skipped(scanner.Skipped),
        };
        return new Syncer(_log).SyncOneAsync(sources, target, options, Ct);
    }

    [Fact]
    public async Task Outputs_land_below_OutputDest_byte_exact_beside_a_rule_file_of_the_same_name_and_are_not_resent()
    {
        _temp.Write("ctx/App.dll", "a rule's file, not the assembly");
        _temp.Write("ctx/<output>/App.dll", "a rule's file in a folder named like the outputs' keys");
        _temp.Write("ctx/bin/Debug/net10.0/App.dll", "assembly");
        _temp.Write("ctx/bin/Debug/net10.0/de/App.resources.dll", "satellite");
        var target = new DirectoryTarget(_root, null, null);

        SyncOutcome first = await SyncAsync(target, "/srv/app", ["App.dll", "<output>/App.dll"], ["App.dll", "de/App.resources.dll"]);
        SyncOutcome second = await SyncAsync(target, "/srv/app", ["App.dll", "<output>/App.dll"], ["App.dll", "de/App.resources.dll"]);

        Assert.Equal((4, 0), (first.Copied, second.Copied));
        Assert.Equal("assembly", File.ReadAllText(_temp.Combine("root/srv/app/App.dll")));
        Assert.Equal("satellite", File.ReadAllText(_temp.Combine("root/srv/app/de/App.resources.dll")));
        Assert.Equal("a rule's file, not the assembly", File.ReadAllText(_temp.Combine("root/app/App.dll")));
        SyncState state = StateStore.Load(Syncer.StatePath(_temp.Combine("obj/filesync"), target), target.InstanceId, new RecordingLog());
        Assert.Equal("a rule's file in a folder named like the outputs' keys", File.ReadAllText(_temp.Combine("root/app/<output>/App.dll")));
        Assert.Equal(["/<output>/App.dll", "/<output>/de/App.resources.dll", "<output>/App.dll", "App.dll"], state.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(_log.Warnings);
    }

    [Fact]
    public async Task A_rule_file_also_copied_to_the_output_folder_is_synced_once_from_the_rule_without_a_warning()
    {
        _temp.Write("ctx/appsettings.json", "{ \"edited\": true }");
        _temp.Write("ctx/bin/Debug/net10.0/appsettings.json", "{ \"edited\": true }"); // the build's copy of it

        SyncOutcome outcome = await SyncAsync(new DirectoryTarget(_root, null, null), null, ["appsettings.json"], ["appsettings.json"]);

        Assert.Equal(1, outcome.Copied);
        Assert.Equal("{ \"edited\": true }", File.ReadAllText(_temp.Combine("root/app/appsettings.json")));
        Assert.Empty(_log.Warnings);
    }

    [Fact]
    public async Task A_rule_file_that_lands_on_a_different_build_output_is_a_conflict_warning_not_a_silent_replacement()
    {
        _temp.Write("ctx/App.dll", "a rule's file");
        _temp.Write("ctx/bin/Debug/net10.0/App.dll", "the app's own assembly");

        await SyncAsync(new DirectoryTarget(_root, null, null), null, ["App.dll"], ["App.dll"]);

        Diagnostic warning = Assert.Single(_log.Warnings);
        Assert.Equal("FSYNC1010", warning.Code);
        Assert.Contains("/app/App.dll", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("The container has no WORKDIR: /app", null, "app/App.dll")]
    [InlineData("Relative OutputDest: against the WORKDIR", "/work", "work/bin/App.dll")]
    public async Task An_empty_or_relative_OutputDest_resolves_against_the_working_directory_else_app(string description, string? workdir, string expected)
    {
        _ = description;
        _temp.Write("ctx/bin/Debug/net10.0/App.dll", "assembly");

        await SyncAsync(new DirectoryTarget(_root, workdir, null), workdir is null ? null : "bin", [], ["App.dll"]);

        Assert.Equal("assembly", File.ReadAllText(_temp.Combine("root/" + expected)));
    }

    [Fact]
    public async Task An_output_that_left_the_item_list_is_deleted_even_when_stale_in_bin_and_the_probe_keeps_rule_files()
    {
        _temp.Write("ctx/bin/Debug/net10.0/App.dll", "assembly");
        _temp.Write("ctx/bin/Debug/net10.0/Lib.dll", "reference");
        _temp.Write("ctx/page.html", "page");
        var target = new DirectoryTarget(_root, null, null);
        await SyncAsync(target, null, ["page.html"], ["App.dll", "Lib.dll"]);

        SyncOutcome second = await SyncAsync(target, null, [], ["App.dll"], new NothingListable(_context));

        Assert.Equal(1, second.Deleted);
        Assert.False(File.Exists(_temp.Combine("root/app/Lib.dll")));
        Assert.True(File.Exists(_temp.Combine("root/app/page.html")), "the unlistable rule file is kept (FSYNC1014)");
        Assert.Equal(["FSYNC1014"], _log.Codes);
    }

    [Fact]
    public async Task Outputs_this_sync_does_not_know_stay_in_the_target_and_in_the_state()
    {
        _temp.Write("ctx/bin/Debug/net10.0/App.dll", "assembly");
        _temp.Write("ctx/bin/Debug/net10.0/filesync-launcher.dll", "launcher");
        _temp.Write("ctx/page.html", "page");
        var target = new DirectoryTarget(_root, null, null);
        await SyncAsync(target, null, ["page.html"], ["App.dll", "filesync-launcher.dll"]);

        // Outputs off, or a project turned multi-targeted without FileSyncTargetFramework (FSYNC1034): the image's app stays.
        SyncOutcome unknown = await SyncAsync(target, null, ["page.html"], outputs: null);
        Assert.Equal(0, unknown.Deleted);
        Assert.Equal("assembly", File.ReadAllText(_temp.Combine("root/app/App.dll")));
        Assert.True(File.Exists(_temp.Combine("root/app/filesync-launcher.dll")));

        SyncOutcome back = await SyncAsync(target, null, ["page.html"], ["App.dll", "filesync-launcher.dll"]);
        Assert.Equal((0, 0), (back.Copied, back.Deleted)); // their state was kept: nothing is resent
    }

    [Fact]
    public async Task The_launcher_stays_when_it_leaves_the_outputs_while_a_removed_reference_is_deleted()
    {
        _temp.Write("ctx/bin/Debug/net10.0/App.dll", "assembly");
        _temp.Write("ctx/bin/Debug/net10.0/Lib.dll", "reference");
        _temp.Write("ctx/bin/Debug/net10.0/filesync-launcher.dll", "launcher");
        _temp.Write("ctx/bin/Debug/net10.0/filesync-launcher.runtimeconfig.json", "{}");
        var target = new DirectoryTarget(_root, null, null);
        await SyncAsync(target, null, [], ["App.dll", "Lib.dll", "filesync-launcher.dll", "filesync-launcher.runtimeconfig.json"]);

        SyncOutcome second = await SyncAsync(target, null, [], ["App.dll"]); // FileSyncLauncher=false, and Lib's reference removed

        Assert.Equal(1, second.Deleted);
        Assert.False(File.Exists(_temp.Combine("root/app/Lib.dll")));
        Assert.Equal("launcher", File.ReadAllText(_temp.Combine("root/app/filesync-launcher.dll"))); // the entrypoint the container runs
        Assert.True(File.Exists(_temp.Combine("root/app/filesync-launcher.runtimeconfig.json")));
    }

    [Fact]
    public async Task An_output_that_became_a_link_is_not_synced_and_not_deleted()
    {
        _temp.Write("ctx/bin/Debug/net10.0/App.dll", "assembly");
        _temp.Write("ctx/bin/Debug/net10.0/Lib.dll", "reference");
        _temp.Write("lib/Lib.dll", "reference v2");
        var target = new DirectoryTarget(_root, null, null);
        await SyncAsync(target, null, [], ["App.dll", "Lib.dll"]);
        File.Delete(_temp.Combine("ctx/bin/Debug/net10.0/Lib.dll"));
        _temp.Link("ctx/bin/Debug/net10.0/Lib.dll", _temp.Combine("lib/Lib.dll")); // CreateSymbolicLinksForCopyLocalIfPossible

        SyncOutcome second = await SyncAsync(target, null, [], ["App.dll", "Lib.dll"]);

        Assert.Equal(0, second.Deleted);
        Assert.Equal("reference", File.ReadAllText(_temp.Combine("root/app/Lib.dll"))); // not synced is not gone
        Assert.Contains("FSYNC1032", _log.Codes);
    }

    [Fact]
    public void A_skipped_or_missing_output_makes_the_scan_incomplete_so_the_next_build_syncs_again()
    {
        _temp.Write("ctx/bin/Debug/net10.0/App.dll", "assembly");
        _temp.Write("outside.dll", "x");
        _temp.Link("ctx/bin/Debug/net10.0/Linked.dll", _temp.Combine("outside.dll"));
        SyncRule rule = SyncRule.ForBuildOutput(null);

        Assert.False(Scanned(["App.dll"]).Incomplete);
        Assert.True(Scanned(["App.dll", "Gone.dll"]).Incomplete);
        OutputScanner linked = Scanned(["App.dll", "Linked.dll"]);
        Assert.True(linked.Incomplete);
        Assert.Equal(["/<output>/Linked.dll"], linked.Skipped);

        OutputScanner Scanned(string[] outputs)
        {
            var scanner = new OutputScanner(_bin, _log);
            _ = scanner.Scan(outputs.Select(path => new OutputItem(path)), rule);
            return scanner;
        }
    }

    [Fact]
    public async Task Missing_linked_and_escaping_outputs_are_refused_with_codes()
    {
        _temp.Write("ctx/bin/Debug/net10.0/App.dll", "assembly");
        _temp.Write("outside.dll", "secret");
        _temp.Link("ctx/bin/Debug/net10.0/Linked.dll", _temp.Combine("outside.dll"));

        SyncOutcome outcome = await SyncAsync(new DirectoryTarget(_root, null, null), null, [], ["App.dll", "Gone.dll", "Linked.dll", "../../../../outside.dll"]);

        Assert.Equal(1, outcome.Copied);
        Assert.Equal(["FSYNC1030", "FSYNC1032", "FSYNC1031"], _log.Codes);
        Assert.Equal(["App.dll"], Directory.EnumerateFiles(_temp.Combine("root/app")).Select(Path.GetFileName));
    }

    [Fact]
    public void An_OutputDest_with_dot_dot_is_FSYNC1033()
    {
        var error = Assert.Throws<FileSyncException>(() => SyncRule.ForBuildOutput("/app/../etc"));

        Assert.Equal("FSYNC1033", error.Diagnostic.Code);
    }
}
