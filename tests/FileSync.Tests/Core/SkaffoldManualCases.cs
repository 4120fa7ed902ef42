namespace FileSync.Tests.Core;

/// <summary>
/// Skaffold's manual-sync test tables (pkg/skaffold/sync/sync_test.go: TestNewSyncItem's "manual:" cases and
/// TestIntersect), converted once for the Core tests and the packed-package tests. Skaffold's "no WORKDIR" (an empty
/// working directory, which leaves "index.html" relative) is FileSync's "/" (a destination is always absolute).
/// </summary>
public static class SkaffoldManualCases
{
    // sentence, artifact context, sync.manual rules as YAML flow mappings, files (relative to the yaml's folder), WORKDIR, expected "source -> destination"
    public static TheoryData<string, string, string[], string[], string, string[]> Cases => new()
    {
        { "manual: match copy", ".", ["{src: '*.html', dest: .}"], ["index.html"], "/", ["index.html -> /index.html"] },
        { "manual: multiple sync patterns", "node", ["{src: '*.js', dest: .}", "{src: '*.html', dest: .}", "{src: '*.json', dest: .}"], ["node/index.html", "node/server.js", "node/package.json"], "/",
            ["index.html -> /index.html", "package.json -> /package.json", "server.js -> /server.js"] },
        { "manual: recursive glob patterns", "node", ["{src: 'src/**/*.js', dest: src/, strip: src/}"], ["node/src/app/server/server.js"], "/", ["src/app/server/server.js -> /src/app/server/server.js"] },
        { "manual: sync all", "node", ["{src: '*', dest: .}"], ["node/index.html", "node/server.js", "node/package.json"], "/",
            ["index.html -> /index.html", "package.json -> /package.json", "server.js -> /server.js"] },
        { "manual: not copy syncable (Skaffold rebuilds; FileSync syncs nothing for main.go)", ".", ["{src: '*.html', dest: .}"], ["main.go"], "/", [] },
        { "manual: not delete syncable (only the matching file is synced)", ".", ["{src: '*.html', dest: /static}"], ["index.html", "some/other/file"], "/", ["index.html -> /static/index.html"] },
        { "manual: no change no sync", ".", ["{src: '*.html', dest: '*'}"], [], "/", [] },
        { "manual: slashes in glob pattern", ".", ["{src: '**/**/*.js', dest: .}"], ["dir1/dir2/node.js"], "/some", ["dir1/dir2/node.js -> /some/dir1/dir2/node.js"] },
        { "manual: sync subtrees", ".", ["{src: 'dir1/**/*.js', dest: ., strip: dir1/}"], ["dir1/dir2/node.js"], "/some/dir", ["dir1/dir2/node.js -> /some/dir/dir2/node.js"] },
        { "manual: multiple matches", ".", ["{src: 'dir1/**/*.js', dest: ., strip: dir1/}", "{src: 'dir1/**/**/*.js', dest: .}"], ["dir1/dir2/node.js"], "/some",
            ["dir1/dir2/node.js -> /some/dir1/dir2/node.js", "dir1/dir2/node.js -> /some/dir2/node.js"] },
        { "manual: stars work with absolute paths", ".", ["{src: 'dir1a/**/*.js', dest: /tstar, strip: dir1a/}", "{src: 'dir1b/**/*.js', dest: /dstar}"], ["dir1a/dir2/dir3/node.js", "dir1b/dir1/node.js"], "/some/dir",
            ["dir1a/dir2/dir3/node.js -> /tstar/dir2/dir3/node.js", "dir1b/dir1/node.js -> /dstar/dir1b/dir1/node.js"] },
        { "intersect: copy nested file to correct destination", ".", ["{src: 'static/*.html', dest: /html, strip: static/}"], ["static/index.html", "static/test.html"], "/",
            ["static/index.html -> /html/index.html", "static/test.html -> /html/test.html"] },
        { "intersect: double-star matches depth zero", ".", ["{src: '**/*.html', dest: /html}"], ["index.html"], "/", ["index.html -> /html/index.html"] },
        { "intersect: file not in . copies to correct destination", "node", ["{src: '*.js', dest: /}"], ["node/server.js"], "/", ["server.js -> /server.js"] },
        { "intersect: a file outside the context is never a source (Skaffold errors)", "node", ["{src: '*.js', dest: /}"], ["node/server.js", "something/test.js"], "/", ["server.js -> /server.js"] },
        { "intersect: nil sync patterns doesn't sync", ".", [], ["index.html"], "/", [] },
        { "matching is case-sensitive, as doublestar's (MSBuild's item globs are not; adversary finding D6)", ".", ["{src: 'static/*.html', dest: /h}", "{src: '**/*.CSS', dest: /c}"],
            ["static/a.html", "Static/b.html", "static/C.HTML", "static/d.HtMl", "x.css", "sub/y.CSS"], "/", ["static/a.html -> /h/static/a.html", "sub/y.CSS -> /c/sub/y.CSS"] },
        { "a src reaching out of the context matches nothing (Skaffold's paths are relative to the context)", "node", ["{src: '../outside/*.js', dest: /}", "{src: '/abs/*.js', dest: /}", "{src: './*.js', dest: /}"], ["node/server.js", "outside/leak.js"], "/", [] },
    };

    /// <summary>A skaffold.yaml with one artifact (image "test") of <paramref name="context"/> and these sync.manual rules.</summary>
    public static string Yaml(string context, string[] rules) =>
        $"apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n  - image: test\n    context: {context}\n"
        + (rules.Length == 0 ? "" : "    sync:\n      manual:\n" + string.Concat(rules.Select(rule => $"        - {rule}\n")));
}
