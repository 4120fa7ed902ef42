using System.Globalization;
using FileSync.Server;

// filesync-server --socket <path> --key <version|mvid> --idle-minutes <n>: started by the SyncFiles task (ServerStarter).
string? socket = null, key = null;
double idleMinutes = 10;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--socket": socket = args[i + 1]; break;
        case "--key": key = args[i + 1]; break;
        case "--idle-minutes": idleMinutes = double.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
    }
}

if (socket is null)
{
    Console.Error.WriteLine("usage: filesync-server --socket <path> [--key <key>] [--idle-minutes <n>]");
    return 2;
}

// Nothing is ever written to the standard streams (the build closed them); leave the build's session.
Console.SetOut(TextWriter.Null);
Console.SetError(TextWriter.Null);
ServerNative.NewSession();
var endpoint = new ServerEndpoint(Path.GetDirectoryName(socket)!, socket, key ?? ServerEndpoint.CurrentKey);
var server = new SyncServer(endpoint, TimeSpan.FromMinutes(idleMinutes));

// `kill <pid>` ends it as FileSyncShutdown does: requests under way finish, the socket and pid file are removed.
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    server.Stop("SIGTERM");
});
return await server.RunAsync();
