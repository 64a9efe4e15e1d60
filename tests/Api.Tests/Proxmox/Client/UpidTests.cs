using ZeroLagHub.Api.Hosts.Proxmox.Client;

namespace ZeroLagHub.Api.Tests.Proxmox.Client;

public sealed class UpidTests
{
    [Fact]
    public void ARealUpidIsParsedWithItsHexFields()
    {
        var upid = Upid.Parse("UPID:pve2:0002A1B3:01C9E5F2:6702F1A0:vzclone:9000:zlh@pve!control-plane:");
        Assert.Equal("pve2", upid.Node);
        Assert.Equal(0x2A1B3, upid.Pid);
        Assert.Equal(0x01C9E5F2, upid.ProcessStart);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(0x6702F1A0), upid.StartTime);
        Assert.Equal("vzclone", upid.Type);
        Assert.Equal("9000", upid.Id);
        Assert.Equal("zlh@pve!control-plane", upid.User);
    }

    [Fact]
    public void AnEmptyIdIsAllowedBecauseNodeWideTasksHaveNone()
    {
        var upid = Upid.Parse("UPID:pve1:00001234:00005678:6702F1A0:aptupdate::root@pam:");
        Assert.Equal("", upid.Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("UPID:pve1:00001234:00005678:6702F1A0:vzstart:100:root@pam")] // no trailing ':'
    [InlineData("TASK:pve1:00001234:00005678:6702F1A0:vzstart:100:root@pam:")]
    [InlineData("UPID:pve1:zz:00005678:6702F1A0:vzstart:100:root@pam:")]
    [InlineData("UPID::00001234:00005678:6702F1A0:vzstart:100:root@pam:")]
    public void MalformedUpidsAreRejected(string text)
    {
        Assert.False(Upid.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Upid.Parse(text));
    }
}
