using Bulwark.Models;
using System.Text.Json;

namespace Bulwark.Models.Formats;

/// <summary>
/// The checks on a Keras model config (<c>config.json</c> of a <c>.keras</c> archive, the <c>model_config</c>
/// attribute of a legacy <c>.h5</c>): <c>Lambda</c> layers carry marshalled Python bytecode that runs on load, and
/// every <c>module</c> named by a serialised object is imported by the loader — a module outside Keras is arbitrary
/// code (<c>builtins.eval</c>, <c>os.system</c>).
/// </summary>
public static class KerasConfigCheck
{
    /// <summary>Module roots Keras itself ships (a module is allowed when it is one of these or below one).</summary>
    public static IReadOnlyList<string> AllowedModules { get; } = ["keras", "tensorflow.keras", "tf_keras", "keras_hub", "keras_nlp", "keras_cv"];

    /// <summary>Callables inside Keras that fetch or open files: allowed modules, but not something a model should call on load.</summary>
    public static IReadOnlySet<string> UnsafeKerasCallables { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "get_file", "load_model", "load_weights", "load_img",
    };

    public const int MaxReports = 100;

    public static void Check(JsonElement root, string member, ModelScan scan)
    {
        var reports = 0;
        Walk(root, "$", member, scan, ref reports, 0);
    }

    private static void Walk(JsonElement element, string path, string member, ModelScan scan, ref int reports, int depth)
    {
        if (depth > 200 || reports >= MaxReports)
        {
            return;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                CheckObject(element, path, member, scan, ref reports);
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, path + "." + property.Name, member, scan, ref reports, depth + 1);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, $"{path}[{i++}]", member, scan, ref reports, depth + 1);
                }

                break;
        }
    }

    private static void CheckObject(JsonElement obj, string path, string member, ModelScan scan, ref int reports)
    {
        var className = obj.TryGetProperty("class_name", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
        if (className is null)
        {
            return;
        }

        var config = obj.TryGetProperty("config", out var cfg) ? cfg : default;
        var layerName = config.ValueKind == JsonValueKind.Object && config.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
            ? n.GetString()! : path;

        if (className == "Lambda")
        {
            var (hasCode, evidence) = LambdaCode(config);
            reports++;
            scan.Report(new ModelIssue(ModelRuleIds.KerasLambda, hasCode ? ModelVerdict.Malicious : ModelVerdict.Suspicious,
                ModelFormatRules.At(member, layerName),
                hasCode ? "Lambda layer carries marshalled Python bytecode that runs when the model is loaded"
                        : "Lambda layer calls a Python function resolved by name when the model is loaded",
                evidence));
        }

        if (obj.TryGetProperty("module", out var m) && m.ValueKind == JsonValueKind.String)
        {
            var module = m.GetString()!;
            if (!IsAllowedModule(module))
            {
                reports++;
                var dangerous = module is "builtins" or "os" or "posix" or "nt" or "subprocess" or "sys" or "importlib" or "runpy" or "pickle" or "marshal"
                    || module.StartsWith("os.", StringComparison.Ordinal) || module.StartsWith("subprocess.", StringComparison.Ordinal);
                scan.Report(new ModelIssue(ModelRuleIds.KerasUnsafeModule, dangerous ? ModelVerdict.Malicious : ModelVerdict.Suspicious,
                    ModelFormatRules.At(member, path),
                    $"serialised object imports module {module} (outside Keras): the loader imports it and calls {className}",
                    $"{module}.{className}"));
            }
            else if (UnsafeKerasCallables.Contains(className)
                || (config.ValueKind == JsonValueKind.String && UnsafeKerasCallables.Contains(config.GetString()!)))
            {
                reports++;
                scan.Report(new ModelIssue(ModelRuleIds.KerasUnsafeModule, ModelVerdict.Suspicious, ModelFormatRules.At(member, path),
                    $"serialised object calls {module}.{className}, a Keras function that fetches or touches files", $"{module}.{className}"));
            }
        }

        if (obj.TryGetProperty("registered_name", out var r) && r.ValueKind == JsonValueKind.String)
        {
            var registered = r.GetString()!;
            // Built-in objects register as their class name; custom objects as "package>Name" (or another name).
            if (registered.Contains('>', StringComparison.Ordinal) || (registered != className && !registered.StartsWith("keras", StringComparison.Ordinal)
                && obj.TryGetProperty("module", out var mod) && mod.ValueKind == JsonValueKind.String && !IsAllowedModule(mod.GetString()!)))
            {
                reports++;
                scan.Report(new ModelIssue(ModelRuleIds.KerasUnsafeModule, ModelVerdict.Suspicious, ModelFormatRules.At(member, path),
                    $"custom object {registered}: loading it runs code registered outside Keras", registered));
            }
        }
    }

    private static (bool HasCode, string Evidence) LambdaCode(JsonElement config)
    {
        if (config.ValueKind != JsonValueKind.Object || !config.TryGetProperty("function", out var function))
        {
            return (true, "Lambda");
        }

        // Keras 3: {"class_name": "__lambda__", "config": {"code": base64 marshal, ...}}
        if (function.ValueKind == JsonValueKind.Object)
        {
            var cls = function.TryGetProperty("class_name", out var fc) && fc.ValueKind == JsonValueKind.String ? fc.GetString() : null;
            if (cls == "__lambda__" || (function.TryGetProperty("config", out var fcfg) && fcfg.ValueKind == JsonValueKind.Object && fcfg.TryGetProperty("code", out _)))
            {
                return (true, "__lambda__ (marshalled code)");
            }

            var module = function.TryGetProperty("module", out var fm) && fm.ValueKind == JsonValueKind.String ? fm.GetString() : null;
            return (false, $"{module}.{cls}");
        }

        // Keras 2: "function": [base64 marshal, defaults, closure] with "function_type": "lambda", or a name with "function".
        var type = config.TryGetProperty("function_type", out var ft) && ft.ValueKind == JsonValueKind.String ? ft.GetString() : "lambda";
        if (type == "lambda" || function.ValueKind == JsonValueKind.Array)
        {
            return (true, "function_type=lambda (marshalled code)");
        }

        var module2 = config.TryGetProperty("module", out var m2) && m2.ValueKind == JsonValueKind.String ? m2.GetString() : null;
        return (false, $"{module2}.{(function.ValueKind == JsonValueKind.String ? function.GetString() : "?")}");
    }

    public static bool IsAllowedModule(string module)
    {
        foreach (var root in AllowedModules)
        {
            if (module == root || (module.Length > root.Length && module.StartsWith(root, StringComparison.Ordinal) && module[root.Length] == '.'))
            {
                return true;
            }
        }

        return false;
    }
}
