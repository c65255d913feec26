using Bulwark.Kernel.RulePacks;

namespace Bulwark.Data.Pii.Ner;

/// <summary>
/// Detector rules <c>ner-TYPE</c> answered by one <see cref="NerModel"/> run: <c>ner-person</c> takes the model's
/// PERSON entities (PER), <c>ner-location</c> LOCATION (LOC, GPE), <c>ner-organization</c> ORGANIZATION (ORG), and
/// <c>ner-misc</c> or any other type the labels name. Spans carry the model's score.
/// </summary>
internal sealed class NerRecogniser(NerModel model, IReadOnlyDictionary<string, Rule> rulesByType) : ITextRecogniser
{
    public const string Prefix = "ner-";

    public static string TypeOf(string detector) => NerModel.EntityType(detector[Prefix.Length..]);

    public void Recognise(string text, List<RecognisedSpan> results)
    {
        foreach (var entity in model.Recognise(text))
        {
            if (rulesByType.TryGetValue(entity.EntityType, out var rule)) results.Add(new RecognisedSpan(rule, entity.Start, entity.End, entity.Score));
        }
    }
}
