namespace Bulwark.Governance.Assessment;

/// <summary>Turns questionnaire answers into checks: yes passes, partial is half, no fails, n/a is left out, no answer is unanswered.</summary>
public static class QuestionChecks
{
    public static IEnumerable<CheckResult> Evaluate(IEnumerable<Question> questions, QuestionnaireAnswers? answers, string searchedPath)
    {
        foreach (var question in questions)
        {
            var check = question.Check;
            Answer? answer = null;
            answers?.Answers.TryGetValue(check.Id, out answer);
            var (outcome, evidence) = answer is null
                ? (CheckOutcome.Unanswered, new Evidence(EvidenceKind.Answer, check.Id, answers is null ? $"no questionnaire ({searchedPath})" : "not answered", answers?.Path ?? searchedPath))
                : (Outcome(answer.Value), new Evidence(EvidenceKind.Answer, check.Id, Describe(answer), answers!.Path, answer.Line));
            yield return new CheckResult(check.Id, check.Pillar, question.Text, CheckSource.Questionnaire, check.Weight, outcome, [evidence], check.Tags, check.Remediation);
        }
    }

    private static CheckOutcome Outcome(AnswerValue value) => value switch
    {
        AnswerValue.Yes => CheckOutcome.Pass,
        AnswerValue.Partial => CheckOutcome.Partial,
        AnswerValue.No => CheckOutcome.Fail,
        _ => CheckOutcome.NotApplicable,
    };

    private static string Describe(Answer answer)
    {
        var word = answer.Value switch
        {
            AnswerValue.NotApplicable => "n/a",
            _ => answer.Value.ToString().ToLowerInvariant(),
        };
        var text = answer.Note is null ? $"answered {word}" : $"answered {word}: {answer.Note}";
        return answer.Reference is null ? text : $"{text} (evidence: {answer.Reference})";
    }
}
