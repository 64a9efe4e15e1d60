// The least an ASP.NET Core app starts with, configured as the API is (ZLH_* variables after the command line,
// so ZLH_URLS picks the port): what a process start to a first 200 costs before any of our services.
var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddEnvironmentVariables(prefix: "ZLH_");
var app = builder.Build();
app.MapGet("/health", () => Results.Ok(new { status = "ok" }));
app.Run();
