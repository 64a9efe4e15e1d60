namespace ZeroLagHub.Domain.Containers;

/// <summary>What a container is given on its host. The local host records it; Proxmox enforces it.</summary>
public sealed record ContainerResources(int Cores = 1, int MemoryMb = 2048, int DiskGb = 8);
