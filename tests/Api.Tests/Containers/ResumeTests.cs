using System.Text.Json;
using ZeroLagHub.Api.Tests.Hosts;

namespace ZeroLagHub.Api.Tests.Containers;

/// <summary>
/// The stages of a deployment are a chain of durable messages: an API stopped mid-deployment leaves
/// the next step in the queue, and another API over the same database picks it up.
/// </summary>
public sealed class ResumeTests
{
    [Fact]
    public async Task ANewApiInstanceFinishesADeploymentTheStoppedOneLeftMidway()
    {
        var first = new LocalHostFixture();
        await ((IAsyncLifetime)first).InitializeAsync();
        LocalHostFixture? second = null;
        try
        {
            var owner = Guid.NewGuid();
            Guid deployment;
            using (var client = first.CreateClientAs(owner))
                (_, deployment) = await client.CreateAsync(ControlPlaneSteps.DevSpec());
            await first.StopAsync();   // the host only: the database and data directory stay

            Assert.Equal(0L, (long)(await first.Database.ScalarAsync(
                $"SELECT count(*) FROM events.mt_events WHERE stream_id = '{deployment}' AND type = 'deployment.succeeded'"))!);

            second = new SecondApi(first);
            await ((IAsyncLifetime)second).InitializeAsync();
            using var resumed = second.CreateClientAs(owner);
            var history = await resumed.WaitForDeploymentAsync(deployment);

            Assert.True(history.GetProperty("status").GetString() == "succeeded", history.ToString());
            Assert.Equal(["create_container", "wait_for_agent", "install_runtime", "install_addons", "start_code_server", "ready"],
                ControlPlaneSteps.Stages(history).Select(s => s.Name));
            Assert.All(ControlPlaneSteps.Stages(history), s => Assert.Equal("succeeded", s.Status));
        }
        finally
        {
            if (second is not null) await ((IAsyncLifetime)second).DisposeAsync();
            await ((IAsyncLifetime)first).DisposeAsync();
        }
    }

    /// <summary>The restarted API: same database and data directory, a new host (and a new port).</summary>
    private sealed class SecondApi(LocalHostFixture first) : LocalHostFixture(first);
}
