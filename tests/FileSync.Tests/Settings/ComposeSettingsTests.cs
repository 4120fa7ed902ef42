using FileSync.Targets;
using FileSync.Tests.Core;

namespace FileSync.Tests.Settings;

/// <summary>
/// FileSyncComposeService: the decision (one way to pick containers, a project name Compose accepts) and the project
/// name derived as Compose v2 derives it (compose-go's withNamePrecedenceLoad, projectName, NormalizeProjectName).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ComposeSettingsTests : IDisposable
{
    private static readonly ComposeProject Shop = new("shop", "FileSyncComposeProject");

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>sentence; runtime; other settings; service; project (null: none); expected kind or error code; warning codes.</summary>
    public static TheoryData<string, string, string, string?, string?, string, string> Cases => new()
    {
        { "A service in a project", "docker", "", "web", "shop", "Docker", "" },
        { "A service with a container: one way to pick only", "docker", "Container=web", "web", "shop", "FSYNC0007", "" },
        { "A service with a selector", "docker", "Selector=a=b", "web", "shop", "FSYNC0007", "" },
        { "A service with an image", "docker", "Image=web", "web", "shop", "FSYNC0007", "" },
        { "A project without a service is a half-made choice", "docker", "", null, "shop", "FSYNC0017", "" },
        { "A project with a container: the container decides, the project is unused", "docker", "Container=web", null, "shop", "Docker", "" },
        { "A project name Compose would refuse", "docker", "", "web", "My Shop", "FSYNC0018", "" },
        { "A derived name that normalises to nothing", "docker", "", "web", "", "FSYNC0018", "" },
        { "A service with the directory runtime is ignored, with a warning", "directory", "Directory=/tmp/root", "web", "shop", "Directory", "FSYNC0009" },
        { "A project alone with the directory runtime is ignored, with a warning", "directory", "Directory=/tmp/root", null, "shop", "Directory", "FSYNC0009" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_Compose_combination_has_exactly_one_outcome(string sentence, string runtime, string settings, string? service, string? project, string expected, string warnings)
    {
        var values = settings.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(pair => pair.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]);
        var target = new TargetSettings(runtime)
        {
            Container = values.GetValueOrDefault("Container"),
            Selector = values.GetValueOrDefault("Selector"),
            Image = values.GetValueOrDefault("Image"),
            Directory = values.GetValueOrDefault("Directory"),
            ComposeService = service,
            ComposeProject = project is null ? null : new ComposeProject(project, "a test"),
        };

        TargetDecision decision = target.Decide();

        string outcome = decision.Error?.Code ?? decision.Kind.ToString();
        Assert.True(expected == outcome, $"{sentence}: expected {expected}, got {outcome} ({decision.Error})");
        Assert.Equal(warnings.Split(',', StringSplitOptions.RemoveEmptyEntries), decision.Warnings.Select(w => w.Code));
    }

    [Fact]
    public void A_service_and_a_container_name_both_settings_in_the_error()
    {
        var decision = new TargetSettings("docker") { Container = "web-1", ComposeService = "web", ComposeProject = Shop }.Decide();

        Assert.Contains("FileSyncContainer, FileSyncComposeService", decision.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_service_is_picked_by_Composes_own_labels_never_a_one_off_container()
    {
        var settings = new TargetSettings("docker") { ComposeService = " web ", ComposeProject = Shop };

        Assert.Equal(["com.docker.compose.project=shop", "com.docker.compose.service=web", "com.docker.compose.oneoff=False"], settings.DockerLabels());
    }

    [Fact]
    public void The_project_name_error_names_the_name_and_where_it_came_from()
    {
        var decision = new TargetSettings("docker") { ComposeService = "web", ComposeProject = new ComposeProject("My Shop", "FileSyncComposeProject") }.Decide();

        Assert.Contains("'My Shop' (from FileSyncComposeProject)", decision.Error!.Message, StringComparison.Ordinal);
    }

    /// <summary>compose-go's loader_test cases for NormalizeProjectName, and the folder names users have.</summary>
    [Theory]
    [InlineData("My App", "myapp")]
    [InlineData("my_app-2", "my_app-2")]
    [InlineData("__-Shop.Web", "shopweb")]
    [InlineData("ÉcoleApp", "coleapp")]
    [InlineData("_-_", "")]
    [InlineData("123", "123")]
    public void Names_are_normalised_as_Compose_does(string folder, string expected) => Assert.Equal(expected, ComposeProject.Normalize(folder));

    [Fact]
    public void FileSyncComposeProject_wins_over_everything_and_is_not_normalised()
    {
        _temp.Write("Shop/compose.yaml", "name: other\n");

        ComposeProject project = ComposeProject.Resolve(" Mine ", null, _temp.Folder("Shop"), Environment("env"));

        Assert.Equal(new ComposeProject("Mine", "FileSyncComposeProject"), project);
        Assert.False(project.IsValid);
    }

    [Fact]
    public void COMPOSE_PROJECT_NAME_wins_over_the_compose_file()
    {
        _temp.Write("Shop/compose.yaml", "name: other\n");

        Assert.Equal("from-env", ComposeProject.Resolve(null, null, _temp.Folder("Shop"), Environment("from-env")).Name);
    }

    [Fact]
    public void The_compose_files_dotenv_wins_over_its_name()
    {
        _temp.Write("Shop/compose.yaml", "name: other\n");
        _temp.Write("Shop/.env", "# settings\nCOMPOSE_PROJECT_NAME=\"dotenv\" # the project\n");

        ComposeProject project = ComposeProject.Resolve(null, null, _temp.Folder("Shop/src/Web"), Environment(null));

        Assert.Equal("dotenv", project.Name);
        Assert.Contains(".env", project.Origin, StringComparison.Ordinal);
    }

    [Fact]
    public void The_top_level_name_of_the_compose_file_found_upwards_is_normalised()
    {
        _temp.Write("Shop/compose.yaml", "services:\n  web:\n    name: nested\nname: \"My_Shop\" # top level\n");

        Assert.Equal("my_shop", ComposeProject.Resolve(null, null, _temp.Folder("Shop/src/Web"), Environment(null)).Name);
    }

    [Fact]
    public void Without_a_name_the_folder_of_the_nearest_compose_file_names_the_project()
    {
        _temp.Write("My Shop/docker-compose.yml", "services:\n  web:\n    image: web\n");
        _temp.Write("My Shop/src/compose.yaml.bak", "");

        ComposeProject project = ComposeProject.Resolve(null, null, _temp.Folder("My Shop/src/Web"), Environment(null));

        Assert.Equal("myshop", project.Name);
        Assert.Contains("docker-compose.yml", project.Origin, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_file_names_are_preferred_in_Composes_order()
    {
        _temp.Write("a/docker-compose.yml", "name: second\n");
        _temp.Write("a/compose.yaml", "name: first\n");

        Assert.Equal("first", ComposeProject.Resolve(null, null, _temp.Folder("a"), Environment(null)).Name);
    }

    [Fact]
    public void An_interpolated_name_is_left_to_Compose_and_the_folder_is_used()
    {
        _temp.Write("Shop/compose.yaml", "name: ${PROJECT:-x}\n");

        Assert.Equal("shop", ComposeProject.Resolve(null, null, _temp.Folder("Shop"), Environment(null)).Name);
    }

    [Fact]
    public void FileSyncComposeFile_names_the_folder_even_when_a_nearer_compose_file_exists()
    {
        _temp.Write("Web/compose.yaml", "services: {}\n");
        _temp.Write("Deploy/dev.yaml", "services: {}\n");

        ComposeProject project = ComposeProject.Resolve(null, "../Deploy/dev.yaml", _temp.Folder("Web"), Environment(null));

        Assert.Equal("deploy", project.Name);
    }

    [Theory]
    [InlineData("../Deploy")]
    [InlineData("../Deploy/")]
    public void FileSyncComposeFile_may_name_the_folder_and_its_compose_file_is_read(string given)
    {
        _temp.Write("Deploy/docker-compose.yaml", "name: staging\n");

        Assert.Equal("staging", ComposeProject.Resolve(null, given, _temp.Folder("Web"), Environment(null)).Name);
    }

    [Fact]
    public void With_no_compose_file_above_the_project_folder_names_it()
    {
        ComposeProject project = ComposeProject.Resolve(null, null, _temp.Folder("Web.App"), Environment(null));

        Assert.Equal("webapp", project.Name);
        Assert.Contains("no compose file", project.Origin, StringComparison.Ordinal);
    }

    private static Func<string, string?> Environment(string? composeProjectName) =>
        name => name == "COMPOSE_PROJECT_NAME" ? composeProjectName : throw new InvalidOperationException($"only COMPOSE_PROJECT_NAME is read, not {name}");
}
