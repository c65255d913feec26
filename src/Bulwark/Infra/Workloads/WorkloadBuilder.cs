namespace Bulwark.Infra.Workloads;

/// <summary>
/// The <c>workload</c> resources the workload checks read: one per Kubernetes pod template and per compose service,
/// in the same shape whatever the platform (docs/infra.md lists the fields). Exposure and network policies are
/// resolved across every file of the scan, since a Deployment's Service and Ingress usually live in other files.
/// </summary>
public static class WorkloadBuilder
{
    public const string Type = "workload";

    public static IReadOnlyList<InfraResource> Build(IReadOnlyList<InfraResource> resources) =>
        KubernetesWorkloads.Read(resources).Concat(ComposeWorkloads.Read(resources)).Select(WorkloadResource.From).ToList();
}
