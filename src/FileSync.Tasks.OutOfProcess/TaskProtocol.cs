using System.Text;

namespace FileSync.Tasks;

/// <summary>
/// The few lines the .NET Framework twin and filesync-task exchange: the request (a response file: the task's name, then
/// one record per parameter) and the answer (stdout: log events and outputs, each a line that starts with
/// <see cref="Prefix"/>). Fields are tab-separated and escaped, so any value (newlines, tabs, any Unicode) is one field.
/// Compiled into both sides (netstandard2.0 and net8.0).
/// </summary>
internal static class TaskProtocol
{
    /// <summary>Starts every answer line; anything else on stdout or stderr is passed on as a message.</summary>
    public const string Prefix = "##filesync";

    // Request records. A parameter left at its default is not written.
    public const string TaskRecord = "task";          // task <name> <assembly>: FileSync.Tasks.dll (net8.0)
    public const string DetailRecord = "detail";      // detail true|false: the build shows low-importance messages
    public const string ScalarRecord = "set";         // set <name> <value>
    public const string ListRecord = "list";          // list <name>: the parameter is an array, its elements follow
    public const string ElementRecord = "element";    // element <value>: a string[] element
    public const string ItemRecord = "item";          // item <escaped spec> (<name> <escaped value>)*: an ITaskItem[] element

    // Answer records.
    public const string MessageRecord = "message";    // message <high|normal|low> <text>
    public const string WarningRecord = "warning";    // warning <code> <file> <line> <column> <text>
    public const string ErrorRecord = "error";        // error <code> <file> <line> <column> <text>
    public const string OutputRecord = "output";      // output <name> <value>
    public const string OutputListRecord = "outputs"; // outputs <name>: an [Output] array, its items follow as item records
    public const string ResultRecord = "result";      // result true|false: the task's Execute returned

    public static string Line(params string?[] fields)
    {
        var line = new StringBuilder();
        for (int i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                line.Append('\t');
            }

            Escape(fields[i] ?? "", line);
        }

        return line.ToString();
    }

    public static string[] Fields(string line)
    {
        string[] fields = line.Split('\t');
        for (int i = 0; i < fields.Length; i++)
        {
            fields[i] = Unescape(fields[i]);
        }

        return fields;
    }

    private static void Escape(string value, StringBuilder to)
    {
        foreach (char c in value)
        {
            _ = c switch
            {
                '\\' => to.Append("\\\\"),
                '\t' => to.Append("\\t"),
                '\n' => to.Append("\\n"),
                '\r' => to.Append("\\r"),
                _ => to.Append(c),
            };
        }
    }

    private static string Unescape(string value)
    {
        if (value.IndexOf('\\') < 0)
        {
            return value;
        }

        var text = new StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c != '\\' || i + 1 == value.Length)
            {
                text.Append(c);
                continue;
            }

            char next = value[++i];
            text.Append(next switch { 't' => '\t', 'n' => '\n', 'r' => '\r', _ => next });
        }

        return text.ToString();
    }
}
