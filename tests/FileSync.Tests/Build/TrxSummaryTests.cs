using System.Diagnostics;
using FileSync.Tests.Core;
using FileSync.Tests.Infrastructure;

namespace FileSync.Tests.Build;

/// <summary>
/// build/test.sh's verdict (build/trx-summary.sh over the TRX files of a run): one closing line, and a failure for any
/// test that did not pass — failed, skipped, or counted and never executed — and for a missing project's results.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TrxSummaryTests : IDisposable
{
    private readonly TempFolder _results = new();

    public void Dispose() => _results.Dispose();

    [Fact]
    public void All_passed_in_every_project_succeeds_with_the_closing_line()
    {
        Trx("a", total: 5, executed: 5, passed: 5);
        Trx("b", total: 2, executed: 2, passed: 2);

        (int exit, string stdout, _) = Summarize(expectedFiles: 2);

        Assert.Equal((0, "tests: 7 passed, 0 failed, 0 skipped\n"), (exit, stdout));
    }

    [Fact]
    public void One_skipped_test_fails_the_run()
    {
        Trx("a", total: 5, executed: 4, passed: 4, notExecuted: 1);

        (int exit, string stdout, string stderr) = Summarize(expectedFiles: 1);

        Assert.Equal((1, "tests: 4 passed, 0 failed, 1 skipped\n"), (exit, stdout));
        Assert.Contains("1 test(s) skipped", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_test_counted_but_never_executed_fails_the_run()
    {
        Trx("a", total: 5, executed: 4, passed: 4);

        (int exit, _, string stderr) = Summarize(expectedFiles: 1);

        Assert.Equal(1, exit);
        Assert.Contains("1 test(s) counted but not executed", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void One_failed_test_among_passing_ones_fails_the_run()
    {
        Trx("a", total: 5, executed: 5, passed: 4, failed: 1);

        (int exit, string stdout, _) = Summarize(expectedFiles: 1);

        Assert.Equal((1, "tests: 4 passed, 1 failed, 0 skipped\n"), (exit, stdout));
    }

    [Fact]
    public void A_test_project_without_results_fails_the_run()
    {
        Trx("a", total: 5, executed: 5, passed: 5);

        (int exit, _, string stderr) = Summarize(expectedFiles: 3);

        Assert.Equal(1, exit);
        Assert.Contains("1 result file(s) for 3 test project(s)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void No_results_at_all_fail_the_run()
    {
        (int exit, string stdout, _) = Summarize(expectedFiles: 0);

        Assert.Equal((1, "tests: 0 passed, 0 failed, 0 skipped\n"), (exit, stdout));
    }

    /// <summary>A TRX file with the counters vstest writes (the attributes and their order as in a real run).</summary>
    private void Trx(string name, int total, int executed, int passed, int failed = 0, int notExecuted = 0)
    {
        File.WriteAllText(_results.Combine(name + ".trx"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
              <ResultSummary outcome="Completed">
                <Counters total="{total}" executed="{executed}" passed="{passed}" failed="{failed}" error="0" timeout="0" aborted="0" inconclusive="0" passedButRunAborted="0" notRunnable="0" notExecuted="{notExecuted}" disconnected="0" warning="0" completed="0" inProgress="0" pending="0" />
              </ResultSummary>
            </TestRun>
            """);
    }

    private (int Exit, string Stdout, string Stderr) Summarize(int expectedFiles)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])[Path.Combine(Repository.Root, "build", "trx-summary.sh"), _results.Path, expectedFiles.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            psi.ArgumentList.Add(argument);
        }

        using var process = Process.Start(psi)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }
}
