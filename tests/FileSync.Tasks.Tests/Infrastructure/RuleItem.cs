using System.Collections;
using Microsoft.Build.Framework;

namespace FileSync.Tasks.Tests.Infrastructure;

/// <summary>
/// A FileSyncRule item as MSBuild hands it to the task: the spec as written relative to the project, FullPath absolute.
/// (Utilities' TaskItem would compute FullPath against the process's current folder.)
/// </summary>
internal sealed class RuleItem(string itemSpec, string fullPath) : ITaskItem
{
    private readonly Dictionary<string, string> _metadata = new(StringComparer.OrdinalIgnoreCase);

    public static RuleItem Create(string context, string relative, string? dest, string? strip = null)
    {
        var item = new RuleItem(relative, Path.Combine(context, relative));
        if (dest is not null)
        {
            item.SetMetadata("Dest", dest);
        }

        if (strip is not null)
        {
            item.SetMetadata("Strip", strip);
        }

        return item;
    }

    public string ItemSpec { get; set; } = itemSpec;

    public ICollection MetadataNames => _metadata.Keys.Append("FullPath").ToList();

    public int MetadataCount => _metadata.Count + 1;

    public string GetMetadata(string metadataName) =>
        metadataName.Equals("FullPath", StringComparison.OrdinalIgnoreCase) ? fullPath : _metadata.GetValueOrDefault(metadataName, "");

    public void SetMetadata(string metadataName, string metadataValue) => _metadata[metadataName] = metadataValue;

    public void RemoveMetadata(string metadataName) => _metadata.Remove(metadataName);

    public void CopyMetadataTo(ITaskItem destinationItem)
    {
        foreach ((string name, string value) in _metadata)
        {
            destinationItem.SetMetadata(name, value);
        }
    }

    public IDictionary CloneCustomMetadata() => new Dictionary<string, string>(_metadata, StringComparer.OrdinalIgnoreCase);

    public override string ToString() => ItemSpec;
}
