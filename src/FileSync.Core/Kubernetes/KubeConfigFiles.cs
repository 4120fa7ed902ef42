using k8s.KubeConfigModels;
using YamlDotNet.Serialization;

namespace FileSync.Kubernetes;

/// <summary>
/// KUBECONFIG's files merged as kubectl merges them: clusters, users and contexts by name, the first file to name one
/// wins, and the first current-context set wins. Each file's relative paths (certificate authority, client
/// certificate and key, tokenFile) are taken from its own folder. Read with a plain YamlDotNet deserializer:
/// KubernetesClient's own (LoadKubeConfig) first builds converters for every API model, measured here at ~0.5 s of a
/// cold build; the config models are plain YAML-attributed classes.
/// </summary>
internal static class KubeConfigFiles
{
    private static readonly IDeserializer Reader = new DeserializerBuilder().IgnoreUnmatchedProperties().Build();

    /// <param name="present">The files that exist, in KUBECONFIG's order (at least one).</param>
    /// <param name="context">FileSyncKubeContext, or null for the merged current-context.</param>
    public static K8SConfiguration Load(IReadOnlyList<FileInfo> present, string? context)
    {
        K8SConfiguration? merged = null;
        var tokenFiles = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (FileInfo file in present)
        {
            string yaml = File.ReadAllText(file.FullName);
            K8SConfiguration parsed = Reader.Deserialize<K8SConfiguration>(yaml) ?? new K8SConfiguration();
            string folder = file.DirectoryName!;
            foreach (Cluster cluster in parsed.Clusters ?? [])
            {
                if (cluster.ClusterEndpoint is { } endpoint)
                {
                    endpoint.CertificateAuthority = Full(folder, endpoint.CertificateAuthority);
                }
            }

            foreach (User user in parsed.Users ?? [])
            {
                if (user.UserCredentials is { } credentials)
                {
                    credentials.ClientCertificate = Full(folder, credentials.ClientCertificate);
                    credentials.ClientKey = Full(folder, credentials.ClientKey);
                }
            }

            if (yaml.Contains("tokenFile", StringComparison.Ordinal))
            {
                foreach (TokenFileUsers.NamedUser user in Reader.Deserialize<TokenFileUsers>(yaml)?.Users ?? [])
                {
                    if (user.Name is { } name && !string.IsNullOrWhiteSpace(user.User?.TokenFile))
                    {
                        tokenFiles.TryAdd(name, Full(folder, user.User.TokenFile.Trim())!);
                    }
                }
            }

            if (merged is null)
            {
                merged = parsed;
                merged.FileName = file.FullName;
                continue;
            }

            merged.CurrentContext = string.IsNullOrEmpty(merged.CurrentContext) ? parsed.CurrentContext : merged.CurrentContext;
            merged.Clusters = Union(merged.Clusters, parsed.Clusters, cluster => cluster.Name);
            merged.Users = Union(merged.Users, parsed.Users, user => user.Name);
            merged.Contexts = Union(merged.Contexts, parsed.Contexts, c => c.Name);
        }

        ReadTokenFile(merged!, context ?? merged!.CurrentContext, tokenFiles);
        return merged!;
    }

    /// <summary>kubectl's user `tokenFile` (a service account's, a CI runner's): KubernetesClient reads it only inside a
    /// cluster and otherwise finds "no appropriate auth credentials", so its token is read here (once per sync), for
    /// the context's user only.</summary>
    private static void ReadTokenFile(K8SConfiguration config, string? contextName, Dictionary<string, string> tokenFiles)
    {
        string? userName = config.Contexts?.FirstOrDefault(c => c.Name == contextName)?.ContextDetails?.User;
        if (userName is not null && tokenFiles.TryGetValue(userName, out string? file)
            && config.Users?.FirstOrDefault(u => u.Name == userName)?.UserCredentials is { } credentials && string.IsNullOrEmpty(credentials.Token))
        {
            credentials.Token = File.ReadAllText(file).Trim();
        }
    }

    private static List<T> Union<T>(IEnumerable<T>? first, IEnumerable<T>? second, Func<T, string?> name)
    {
        List<T> all = [.. first ?? []];
        var names = new HashSet<string?>(all.Select(name), StringComparer.Ordinal);
        all.AddRange((second ?? []).Where(item => names.Add(name(item))));
        return all;
    }

    private static string? Full(string folder, string? path) => string.IsNullOrWhiteSpace(path) ? path : Path.GetFullPath(path, folder);

    /// <summary>The part of a kubeconfig KubernetesClient's model lacks: users[].user.tokenFile.</summary>
    private sealed class TokenFileUsers
    {
        [YamlMember(Alias = "users")]
        public List<NamedUser>? Users { get; set; }

        public sealed class NamedUser
        {
            [YamlMember(Alias = "name")]
            public string? Name { get; set; }

            [YamlMember(Alias = "user")]
            public TokenUser? User { get; set; }
        }

        public sealed class TokenUser
        {
            [YamlMember(Alias = "tokenFile")]
            public string? TokenFile { get; set; }
        }
    }
}
