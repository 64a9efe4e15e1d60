using System.Reflection;

// The in-container agent. Its HTTP surface arrives with the agent issue; for now it only says what it is.
var version = Assembly.GetExecutingAssembly().GetName().Version?.ToString(3) ?? "0.0.0";
if (args is ["--version"])
{
    Console.WriteLine($"zlh-agent {version}");
    return 0;
}
Console.Error.WriteLine($"zlh-agent {version}: not runnable yet. See README.md.");
return 2;
