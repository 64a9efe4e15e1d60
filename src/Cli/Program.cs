using System.Reflection;

// zlh: the ZeroLagHub command line. Its commands arrive with the control-plane issues; for now it
// only says what it is.
var version = Assembly.GetExecutingAssembly().GetName().Version?.ToString(3) ?? "0.0.0";
if (args is ["--version"])
{
    Console.WriteLine($"zlh {version}");
    return 0;
}
Console.Error.WriteLine($"zlh {version}: no commands yet. See README.md.");
return 2;
