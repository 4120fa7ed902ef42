using System.Text;
using FileSync.Tasks;

// filesync-task @<request>: started by the .NET Framework twin of a task (FileSync.Tasks.OutOfProcess); answers on stdout.
var answer = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
if (args.Length != 1 || !args[0].StartsWith('@'))
{
    Console.Error.WriteLine("usage: filesync-task @<request file> (started by FileSync's tasks in Visual Studio 2022 and older)");
    return 2;
}

return new TaskRunner(answer).Run(args[0][1..]) ? 0 : 1;
