namespace FsmV2.Hosting.SigtermApp;

/// <summary>The lines the SIGTERM test waits for and looks for.</summary>
public static class OutputLines
{
    /// <summary>Printed when the worker's action has started.</summary>
    public const string Started = "SIGTERM-APP: action started";

    /// <summary>Printed when the host has stopped and been disposed.</summary>
    public const string Stopped = "SIGTERM-APP: host stopped";
}
