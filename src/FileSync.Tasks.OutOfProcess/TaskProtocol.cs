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

    // Percent-encoding of '%', backslash, tab, LF and CR: no backslash may reach the response file, where ToolTask on
    // Unix turns each into '/' (a file name with a tab or a backslash came through as another name).
    private static void Escape(string value, StringBuilder to)
    {
        foreach (char c in value)
        {
            _ = c is '%' or '\\' or '\t' or '\n' or '\r' ? to.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture)) : to.Append(c);
        }
    }

    private static string Unescape(string value)
    {
        if (value.IndexOf('%') < 0)
        {
            return value;
        }

        var text = new StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && int.TryParse(value.Substring(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out int code))
            {
                text.Append((char)code);
                i += 2;
            }
            else
            {
                text.Append(value[i]);
            }
        }

        return text.ToString();
    }
}
