using System.Globalization;
using Bulwark.Usage;

namespace Bulwark.Eval;

/// <summary>Applies a "Name=value" override to the trainer options (for experiments from the command line).</summary>
public static class TrainerSettings
{
    public static PromptAttackTrainer.Options Apply(PromptAttackTrainer.Options options, string setting)
    {
        var (name, value) = (setting[..setting.IndexOf('=')], setting[(setting.IndexOf('=') + 1)..]);
        var property = typeof(PromptAttackTrainer.Options).GetProperty(name) ?? throw new ArgumentException($"unknown option {name}");
        var copy = options with { };
        property.SetValue(copy, Convert.ChangeType(value, property.PropertyType, CultureInfo.InvariantCulture));
        return copy;
    }
}
