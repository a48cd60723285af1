namespace HaDirector.KernelTests;

/// <summary>
/// Guards kernel tests: they must run inside the test VM, whose stage 2 sets HADIRECTOR_TEST_VM=1.
/// Outside it they fail (never skip), so a run that silently lost the VM cannot look green.
/// </summary>
internal static class KernelVm
{
    public const string Trait = "Needs";
    public const string TraitValue = "KernelVm";

    public static void Require()
    {
        Assert.True(
            Environment.GetEnvironmentVariable("HADIRECTOR_TEST_VM") == "1",
            "kernel tests run only inside the test VM: tests/vm/run-kernel-tests");
    }
}
