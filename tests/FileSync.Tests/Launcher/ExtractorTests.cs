using System.Formats.Tar;
using System.Runtime.Versioning;
using FileSync.Launcher;

namespace FileSync.Tests.Launcher;

/// <summary>--fsync-extract: a tar extracted below a folder, never through a link, never swapping a folder and a file.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ExtractorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("filesync-extract-").FullName;
    private readonly string _root;
    private readonly string _outside;
    private readonly StringWriter _error = new();

    public ExtractorTests()
    {
        _root = Directory.CreateDirectory(Path.Combine(_folder, "root")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_folder, "outside")).FullName;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static MemoryStream Archive(params TarEntry[] entries)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (TarEntry entry in entries)
            {
                writer.WriteEntry(entry);
            }
        }

        stream.Position = 0;
        return stream;
    }

    private static PaxTarEntry File(string name, string content, UnixFileMode mode = (UnixFileMode)0b110_100_100) => new(TarEntryType.RegularFile, name)
    {
        DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)),
        Mode = mode,
        ModificationTime = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero),
    };

    private static PaxTarEntry Folder(string name) => new(TarEntryType.Directory, name) { Mode = (UnixFileMode)0b111_101_101 };

    private int Extract(params TarEntry[] entries) => Extractor.Extract(Archive(entries), _root, _error);

    private string InRoot(string relative) => Path.Combine(_root, relative);

    [Fact]
    public void Files_folders_and_links_land_with_their_modes_and_times()
    {
        int status = Extract(Folder("wwwroot/"), File("wwwroot/css/site.css", "body{}", (UnixFileMode)0b111_101_000), new PaxTarEntry(TarEntryType.SymbolicLink, "wwwroot/latest.css") { LinkName = "css/site.css" });

        Assert.True(status == 0, _error.ToString());
        Assert.Equal("body{}", System.IO.File.ReadAllText(InRoot("wwwroot/css/site.css")));
        Assert.Equal((UnixFileMode)0b111_101_000, System.IO.File.GetUnixFileMode(InRoot("wwwroot/css/site.css")));
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), System.IO.File.GetLastWriteTimeUtc(InRoot("wwwroot/css/site.css")));
        Assert.Equal("css/site.css", new FileInfo(InRoot("wwwroot/latest.css")).LinkTarget);
        Assert.Equal(["latest.css", "css"], Directory.EnumerateFileSystemEntries(InRoot("wwwroot")).Select(path => Path.GetFileName(path)!).OrderDescending().ToArray()); // no temporary left
    }

    [Fact]
    public void A_link_where_a_folder_is_needed_is_never_written_through()
    {
        Directory.CreateSymbolicLink(InRoot("data"), _outside);

        int status = Extract(File("data/evil.txt", "x"));

        Assert.Equal(1, status);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outside));
        Assert.Contains("data/evil.txt", _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_replaces_a_link_itself_not_what_it_points_to()
    {
        string target = Path.Combine(_outside, "target.txt");
        System.IO.File.WriteAllText(target, "kept");
        System.IO.File.CreateSymbolicLink(InRoot("app.json"), target);

        Assert.Equal(0, Extract(File("app.json", "{}")));

        Assert.Null(new FileInfo(InRoot("app.json")).LinkTarget);
        Assert.Equal("{}", System.IO.File.ReadAllText(InRoot("app.json")));
        Assert.Equal("kept", System.IO.File.ReadAllText(target));
    }

    [Fact]
    public void A_folder_is_never_replaced_by_a_file_nor_a_file_by_a_folder_and_an_existing_folder_keeps_its_mode()
    {
        Directory.CreateDirectory(InRoot("logs"));
        System.IO.File.SetUnixFileMode(InRoot("logs"), (UnixFileMode)0b111_000_000);
        System.IO.File.WriteAllText(InRoot("config"), "file");

        Assert.Equal(0, Extract(Folder("logs/")));
        Assert.Equal((UnixFileMode)0b111_000_000, System.IO.File.GetUnixFileMode(InRoot("logs")));
        Assert.Equal(1, Extract(File("logs", "x")));
        Assert.True(Directory.Exists(InRoot("logs")));
        Assert.Equal(1, Extract(Folder("config/")));
        Assert.Equal(1, Extract(File("config/inner.txt", "x")));
        Assert.Equal("file", System.IO.File.ReadAllText(InRoot("config")));
    }

    [Fact]
    public void An_entry_leading_outside_is_refused()
    {
        Assert.Equal(1, Extract(File("../outside/escaped.txt", "x")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outside));
    }
}
