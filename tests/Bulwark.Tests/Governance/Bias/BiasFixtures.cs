namespace Bulwark.Tests.Governance.Bias;

/// <summary>
/// The hand-made data set the reference values are computed from: 20 rows, two genders × two age bands, five rows
/// per cell. Cells as (TP, FP, FN, TN):
/// F|young (1,1,1,2), F|old (2,0,1,2), M|young (2,2,0,1), M|old (1,1,1,2).
/// </summary>
internal static class BiasFixtures
{
    public const string Csv = """
        gender,age,y,yhat
        F,young,1,1
        F,young,1,0
        F,young,0,0
        F,young,0,0
        F,young,0,1
        F,old,1,1
        F,old,1,1
        F,old,1,0
        F,old,0,0
        F,old,0,0
        M,young,1,1
        M,young,1,1
        M,young,0,1
        M,young,0,0
        M,young,0,1
        M,old,1,1
        M,old,1,0
        M,old,0,1
        M,old,0,0
        M,old,0,0
        """;

    /// <summary>The same rows as JSONL, with booleans and a number so the JSON value kinds are exercised.</summary>
    public static string Jsonl => string.Join('\n', Csv.Split('\n').Skip(1).Select(line =>
    {
        var f = line.Trim().Split(',');
        return $$"""{"gender":"{{f[0]}}","age":"{{f[1]}}","y":{{(f[2] == "1" ? "true" : "false")}},"yhat":{{f[3]}}}""";
    }));
}
